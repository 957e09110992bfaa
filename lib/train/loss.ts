/**
 * Mean squared error over all label pixels of a mini-batch, and its gradient:
 *
 *   L = (1 / n) * sum_i (pred_i - label_i)^2,   dL/dpred_i = 2 (pred_i - label_i) / n,   n = pred.length.
 *
 * The paper's Caffe `EuclideanLoss` is `sum / (2 N)` over N samples of P pixels, i.e. `L * P / 2`;
 * with SGD its learning rates (1e-4 / 1e-5) correspond to `lr * P / 2` here (see the SGD doc).
 * Adam is invariant to this constant factor.
 */
import { ShapeError } from '../errors.js';

/**
 * Writes dL/dpred into `grad` and returns L (accumulated in float64).
 * `grad` may alias `pred` (each element is read before it is written).
 * @throws ShapeError when the lengths differ or are zero.
 */
export function mseLoss(grad: Float32Array, pred: Float32Array, label: Float32Array): number {
  const n = pred.length;
  if (n === 0 || label.length !== n || grad.length !== n) {
    throw new ShapeError(`mseLoss: prediction (${n}), label (${label.length}) and gradient (${grad.length}) lengths must be equal and non-zero`);
  }
  const g = 2 / n;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = pred[i]! - label[i]!;
    sum += d * d;
    grad[i] = g * d;
  }
  return sum / n;
}

