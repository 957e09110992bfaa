/**
 * One SRCNN layer: a stride-1 2-D cross-correlation plus bias, followed by ReLU or the identity,
 * running on a {@link Backend}.
 *
 * Forward: `y[n,o,i,j] = act(b[o] + sum_{c,r,s} w[o,c,r,s] * xpad[n, c, i + r - padT, j + s - padL])`
 * with the padding of `spec` ('valid', or 'same' with zero or replicate borders; see `kernels/conv_info.ts`).
 *
 * Backward (gradients of a scalar loss L, summed over the batch):
 * - ReLU: `dL/dz = dL/dy * [y > 0]` (z is the pre-activation; the derivative at 0 is taken as 0, as in
 *   PyTorch and TensorFlow);
 * - `dL/dw`, `dL/db` by `conv2dBackpropFilter`, `dL/dx` by `conv2dBackpropInput` (replicate borders
 *   fold their gradient back onto the edge pixels).
 *
 * Parameters and gradients live in buffers from `backend.alloc`, so kernels use them without copying.
 */
import { ShapeError } from '../errors.js';
import type { Backend, ConvStep } from '../backend/backend.js';
import { convInfo, type ConvInfo } from '../kernels/conv_info.js';
import type { LayerSpec, LayerWeights } from '../weights/types.js';

export class Conv2D {
  /** Kernel size, channels, padding and activation (a frozen copy of the constructor's spec). */
  readonly spec: Readonly<LayerSpec>;
  /** OIHW weights, `out * in * kh * kw` values (backend memory; optimizers update it in place). */
  readonly weight: Float32Array;
  /** `out` biases (backend memory). */
  readonly bias: Float32Array;
  /** dL/dweight from the last {@link backward} (overwritten, not accumulated). */
  readonly gradWeight: Float32Array;
  /** dL/dbias from the last {@link backward}. */
  readonly gradBias: Float32Array;
  private readonly backend: Backend;
  private readonly wShape: readonly number[];

  /** Copies `layer`'s parameters into backend memory. Weights must have been validated (`validateWeights`). */
  constructor(layer: LayerWeights, backend: Backend) {
    const s = layer.spec;
    this.spec = Object.freeze({ ...s, kernel: [s.kernel[0], s.kernel[1]] as [number, number] });
    this.wShape = Object.freeze([s.out, s.in, s.kernel[0], s.kernel[1]]);
    const n = s.out * s.in * s.kernel[0] * s.kernel[1];
    if (layer.weights.length !== n || layer.bias.length !== s.out) {
      throw new ShapeError(`Conv2D: weights ${layer.weights.length} / bias ${layer.bias.length} values do not fit spec [${this.wShape.join(', ')}]`);
    }
    this.backend = backend;
    this.weight = backend.alloc(n);
    this.weight.set(layer.weights);
    this.bias = backend.alloc(s.out);
    this.bias.set(layer.bias);
    this.gradWeight = backend.alloc(n);
    this.gradBias = backend.alloc(s.out);
  }

  /** The convolution geometry for an NCHW input of `batch x in x h x w`. @throws ShapeError if it does not fit. */
  info(batch: number, h: number, w: number): ConvInfo {
    return convInfo([batch, this.spec.in, h, w], this.wShape, this.spec.padding, this.spec.paddingMode);
  }

  /** y = act(conv(x) + bias); `y` (length batch*out*outH*outW) must not alias `x`. Returns y. */
  forward(y: Float32Array, x: Float32Array, info: ConvInfo): Float32Array {
    return this.backend.conv2d(y, x, this.weight, this.bias, info, this.spec.activation === 'relu');
  }

  /** This layer's arguments for {@link Backend.conv2dPair}. */
  step(info: ConvInfo): ConvStep {
    return { w: this.weight, bias: this.bias, info, relu: this.spec.activation === 'relu' };
  }

  /**
   * Fills {@link gradWeight} and {@link gradBias}, and `dx` (dL/dinput) unless it is null.
   * @param dy - dL/dy for this layer's output; **overwritten** with dL/dz (ReLU mask applied).
   * @param x - the input of the matching {@link forward} call.
   * @param y - the output of the matching {@link forward} call (used for the ReLU mask).
   */
  backward(dx: Float32Array | null, dy: Float32Array, x: Float32Array, y: Float32Array, info: ConvInfo): void {
    if (this.spec.activation === 'relu') this.backend.reluBackward(dy, dy, y, info.batch * info.outC * info.outH * info.outW);
    this.backend.conv2dBackpropFilter(this.gradWeight, this.gradBias, x, dy, info);
    if (dx !== null) this.backend.conv2dBackpropInput(dx, dy, this.weight, info);
  }

  /** A copy of the current parameters as {@link LayerWeights}. */
  toLayerWeights(): LayerWeights {
    const s = this.spec;
    return { spec: { ...s, kernel: [s.kernel[0], s.kernel[1]] }, weights: Float32Array.from(this.weight), bias: Float32Array.from(this.bias) };
  }

  /** Returns the parameter buffers to the backend; the layer must not be used afterwards. */
  dispose(): void {
    for (const b of [this.weight, this.bias, this.gradWeight, this.gradBias]) this.backend.free(b);
  }
}
