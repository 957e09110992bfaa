/**
 * Peak signal-to-noise ratio, as scikit-image 0.19 `peak_signal_noise_ratio` computes it, plus the
 * `20·log10(peak / RMSE)` form of MATLAB `compute_psnr.m` and the Keras tutorial.
 */
import { ValueError } from '../errors.js';
import { isImage } from '../image/image.js';
import { checkOptionKeys } from '../util/options.js';
import { checkDataRange, checkPair, dtypeRange, type MetricInput } from './input.js';
import { sumSquaredDiff } from './mse.js';

/** Options of {@link psnr}. */
export interface PsnrOptions {
  /**
   * Distance between the smallest and largest possible value (the "peak").
   * @defaultValue derived from the first input as skimage does: 255 for an {@link Image} (uint8);
   * for a Plane (float) 1 when its minimum is ≥ 0, otherwise 2, and a ValueError when any value of
   * the first input lies outside [-1, 1] (skimage's float range). Pass 255 for float data on the
   * 0..255 scale.
   */
  dataRange?: number;
}

/**
 * Which of the two algebraically equal PSNR formulas to evaluate; they differ in the last bits only.
 * - `'skimage'`: `10·log10(R² / MSE)` (scikit-image, BasicSR).
 * - `'rmse'`: `20·log10(R / √MSE)` (SRCNN `compute_psnr.m`, the Keras tutorial's `psnr()`, OpenCV).
 */
export type PsnrForm = 'skimage' | 'rmse';

/**
 * PSNR in dB from an MSE: `10·log10(R²/MSE)` or `20·log10(R/√MSE)` (see {@link PsnrForm}).
 * Returns `Infinity` when `mse` is 0.
 */
export function psnrFromMse(mse: number, dataRange: number, form: PsnrForm = 'skimage'): number {
  if (mse === 0) return Infinity;
  return form === 'skimage' ? 10 * Math.log10((dataRange * dataRange) / mse) : 20 * Math.log10(dataRange / Math.sqrt(mse));
}

/**
 * Peak signal-to-noise ratio in dB, scikit-image 0.19 `peak_signal_noise_ratio(a, b, data_range=R)`:
 *
 *   PSNR = 10 · log10(R² / MSE),  MSE = mean over all H·W·C values of (a - b)²  (float64)
 *
 * `a` plays skimage's `image_true` (it decides the default data range, see
 * {@link PsnrOptions.dataRange}). Identical inputs give `Infinity` (skimage: `inf` with a
 * divide-by-zero warning).
 *
 * @throws ShapeError when the shapes differ; ValueError on NaN/Infinity, on a bad `dataRange`, or
 * when `dataRange` is omitted for a float input with values outside [-1, 1] (as skimage does).
 */
export function psnr(a: MetricInput, b: MetricInput, opts?: PsnrOptions): number {
  checkOptionKeys(opts, ['dataRange'], 'psnr');
  checkPair(a, b, 'psnr');
  const r = opts?.dataRange === undefined ? defaultPsnrRange(a) : checkDataRange(opts.dataRange, 'psnr');
  return psnrFromMse(sumSquaredDiff(a.data, b.data) / a.data.length, r, 'skimage');
}

/** skimage's rule: `dmax` if `min(a) ≥ 0`, else `dmax - dmin`, after checking `a` lies in the dtype range. */
function defaultPsnrRange(a: MetricInput): number {
  const [dmin, dmax] = dtypeRange(a);
  if (isImage(a)) return dmax;
  const d = a.data;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi > dmax || lo < dmin) {
    throw new ValueError(
      `psnr: the first input is a float Plane with values in [${lo}, ${hi}], outside [-1, 1], the range ` +
        `scikit-image assumes for float data; pass dataRange explicitly (e.g. 255 for 0..255 data)`,
    );
  }
  return lo >= 0 ? dmax : dmax - dmin;
}
