/**
 * Mean squared error, as scikit-image 0.19 `skimage.metrics.mean_squared_error` computes it, and the
 * Keras SRCNN tutorial's own per-pixel variant.
 */
import { checkPair, type MetricInput } from './input.js';

/**
 * Σ (a_i - b_i)² over every value of two equally long arrays, accumulated in float64.
 * For uint8 data every term and partial sum is an integer below 2^53, so the sum is exact.
 */
export function sumSquaredDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return s;
}

/**
 * Mean squared error over **every element** (all H·W·C values):
 *
 *   MSE = Σ (a - b)² / (H · W · C)
 *
 * Same as scikit-image 0.19 `mean_squared_error(a, b)` (`np.mean((a - b) ** 2, dtype=float64)`).
 * Inputs are converted to float64 (skimage keeps float32 inputs in float32 while subtracting and
 * squaring; here it is always float64). Exact on uint8 inputs.
 *
 * @throws ShapeError when the shapes differ (the message names both); ValueError on NaN/Infinity.
 */
export function mse(a: MetricInput, b: MetricInput): number {
  checkPair(a, b, 'mse');
  return sumSquaredDiff(a.data, b.data) / a.data.length;
}

/**
 * The Keras SRCNN tutorial's `mse(target, ref)`:
 *
 *   MSE_tutorial = Σ (a - b)² / (H · W)
 *
 * It divides by the pixel count, not the element count, so on a C-channel image it is
 * C × {@link mse} (3× larger on colour images). Use only to reproduce the tutorial's numbers.
 *
 * @throws ShapeError when the shapes differ; ValueError on NaN/Infinity.
 */
export function mseTutorial(a: MetricInput, b: MetricInput): number {
  checkPair(a, b, 'mseTutorial');
  return sumSquaredDiff(a.data, b.data) / (a.width * a.height);
}
