/** Gradient of ReLU through its output (the tfjs `reluGrad` / Caffe `ReLULayer::Backward_cpu` rule). */
import { requireLength } from './check.js';

/**
 * dx[i] = dy[i] where y[i] > 0, else 0, for i < length; y is the ReLU output (so the gradient at
 * exactly 0 is 0, as in PyTorch and tfjs). Overwrites dx[0, length).
 *
 * Aliasing: dx may be dy (in-place masking) or y; no partial overlap.
 * @returns dx
 * @throws ShapeError when dy or y is shorter than `length`
 */
export function reluBackward(dx: Float32Array, dy: Float32Array, y: Float32Array, length = dx.length): Float32Array {
  requireLength('reluBackward', 'dx', dx, [length]);
  requireLength('reluBackward', 'dy', dy, [length]);
  requireLength('reluBackward', 'y', y, [length]);
  for (let i = 0; i < length; i++) dx[i] = y[i]! > 0 ? dy[i]! : 0;
  return dx;
}
