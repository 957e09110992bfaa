/**
 * The Keras SRCNN tutorial's `compare_images(target, ref)` (xoraus/Super-Resolution-CNN-for-Image-
 * Restoration), reproduced value for value.
 */
import { checkPair, type MetricInput } from './input.js';
import { sumSquaredDiff } from './mse.js';
import { psnrFromMse } from './psnr.js';
import { ssim } from './ssim.js';

/** The tutorial's three scores. */
export interface CompareResult {
  /** `20·log10(255 / RMSE)`, RMSE over all H·W·C values (the tutorial's `psnr()`); `Infinity` when identical. */
  psnr: number;
  /** The tutorial's `mse()`: `Σ(a - b)² / (H·W)`, i.e. C × the element-wise MSE (see {@link mseTutorial}). */
  mse: number;
  /** scikit-image default SSIM, per channel then averaged, data range 255 (`compare_ssim(.., multichannel=True)`). */
  ssim: number;
}

/**
 * The tutorial's `compare_images(target, ref)` → `[psnr, mse, ssim]`, as an object:
 *
 *   psnr = 20·log10(255 / √(Σ(a-b)² / (H·W·C)))
 *   mse  = Σ(a-b)² / (H·W)                       (not divided by C: 3× the usual MSE on colour)
 *   ssim = ssim(a, b, { dataRange: 255 })        (7x7 uniform window, sample covariance, channel mean)
 *
 * The tutorial calls it on BGR uint8 images; channel order changes none of the three scores. The data
 * range is 255 for Planes as well (values on the 0..255 scale). The tutorial's own `psnr()` raises
 * ZeroDivisionError for identical images; here psnr is `Infinity`.
 *
 * @throws ShapeError when the shapes differ or a side is below 7; ValueError on NaN/Infinity.
 */
export function compareImages(target: MetricInput, ref: MetricInput): CompareResult {
  checkPair(target, ref, 'compareImages');
  const sse = sumSquaredDiff(target.data, ref.data);
  return {
    psnr: psnrFromMse(sse / target.data.length, 255, 'rmse'),
    mse: sse / (target.width * target.height),
    ssim: ssim(target, ref, { dataRange: 255 }),
  };
}
