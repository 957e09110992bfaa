/**
 * Evaluation protocols of super-resolution work, as data. A protocol ({@link EvalPreset}) says how
 * the two images become the compared planes (colour transform, modcrop, rounding, border shave) and
 * which formula each metric uses. {@link evaluate} runs one; adding a protocol is one object in
 * {@link EVAL_PRESETS} (or pass an {@link EvalPreset} directly).
 *
 * Numbers from different protocols are not comparable with each other (Y vs RGB, rounding, shave);
 * compare a model with the paper's tables only under `paper`.
 */
import { OptionError, ShapeError, ValueError } from '../errors.js';
import { matlabY, matlabYU8 } from '../image/color.js';
import { modcrop, shave } from '../image/crop.js';
import { assertFinite, createImage, isImage, type Channels, type Image, type Plane } from '../image/image.js';
import { checkOptionKeys } from '../util/options.js';
import { checkPair, type MetricInput } from './input.js';
import { sumSquaredDiff } from './mse.js';
import { psnrFromMse, type PsnrForm } from './psnr.js';
import { ssim, ssimWang } from './ssim.js';

/** One evaluation protocol. Every field is applied in the order listed. */
export interface EvalPreset {
  /** Name used in messages. */
  readonly name: string;
  /** Where the protocol is defined (script, function). */
  readonly source: string;
  /**
   * - `'matlabY'`: compare luma only. An RGB(A) Image becomes MATLAB `rgb2ycbcr` Y,
   *   `16 + (65.481 R + 128.553 G + 24.966 B) / 255` (`matlabYU8`, rounded, when `round` is
   *   `'uint8'`, else `matlabY`, float); a gray Image is its own Y (Set14 `bridge.bmp` in
   *   `demo_SR.m`); a Plane must have one channel and is taken as Y on the 0..255 scale.
   * - `'none'`: compare every channel as given.
   */
  readonly color: 'matlabY' | 'none';
  /** Crop `hr` bottom/right to multiples of the scale (`modcrop.m`); `sr` must have the cropped size. */
  readonly modcrop: boolean;
  /** `'uint8'`: float values are rounded half away from zero and saturated to 0..255 (MATLAB `uint8()`). */
  readonly round: 'uint8' | 'none';
  /** Pixels removed from every side of both images: `'scale'` or a fixed count. */
  readonly shave: 'scale' | number;
  /** Peak value R used by PSNR and SSIM. */
  readonly dataRange: number;
  /** PSNR formula (see {@link PsnrForm}). */
  readonly psnr: PsnrForm;
  /** `'elementwise'`: Σ(a-b)²/(H·W·C); `'perPixel'`: Σ(a-b)²/(H·W) (the Keras tutorial's `mse()`). */
  readonly mse: 'elementwise' | 'perPixel';
  /** `'wang'`: {@link ssimWang} (ssim_index.m); `'skimage'`: {@link ssim} with skimage defaults. Both with `dataRange`. */
  readonly ssim: 'wang' | 'skimage';
}

/**
 * The built-in protocols.
 *
 * - `paper` — SRCNN authors, `demo_SR.m` + `compute_psnr.m` (SRCNN_v1), Wang's `ssim_index.m` for
 *   SSIM: Y = MATLAB rgb2ycbcr on uint8 (rounded; gray images raw); `hr = modcrop(Y, scale)`; sr
 *   rounded by `uint8()`; `shave(·, [scale scale])`; PSNR = 20·log10(255/RMSE); SSIM = 11x11
 *   Gaussian (σ 1.5), K = [0.01 0.03], L = 255, 'valid', no downsampling. This gives the paper's
 *   tables.
 * - `tutorial` — the Keras SRCNN tutorial (`SRCNN.py`): `shave(·, 6)` on both images, then its
 *   `compare_images` on all channels (BGR there): PSNR = 20·log10(255/RMSE) over H·W·C values,
 *   MSE = Σ/(H·W) (3× the usual on colour), SSIM = skimage default (7x7 uniform) per channel,
 *   averaged. The tutorial's own modcrop and uint8 truncation happen before, in the pipeline.
 * - `basicsr` — BasicSR `calculate_psnr` / `calculate_ssim` with `test_y_channel=True`,
 *   `crop_border=scale` (benchmark setting): Y = MATLAB rgb2ycbcr **without rounding** (BasicSR
 *   computes it in float32, here float64: differences ~1e-5 in Y), hr cropped to the scale, PSNR =
 *   10·log10(255²/MSE), SSIM = the ssim_index.m window ('valid' via `[5:-5, 5:-5]`).
 */
export const EVAL_PRESETS = {
  paper: {
    name: 'paper', source: 'SRCNN_v1 demo_SR.m, compute_psnr.m; Wang ssim_index.m',
    color: 'matlabY', modcrop: true, round: 'uint8', shave: 'scale', dataRange: 255,
    psnr: 'rmse', mse: 'elementwise', ssim: 'wang',
  },
  tutorial: {
    name: 'tutorial', source: 'Keras SRCNN tutorial SRCNN.py: shave(6) + compare_images',
    color: 'none', modcrop: false, round: 'none', shave: 6, dataRange: 255,
    psnr: 'rmse', mse: 'perPixel', ssim: 'skimage',
  },
  basicsr: {
    name: 'basicsr', source: 'BasicSR basicsr/metrics/psnr_ssim.py (test_y_channel=True, crop_border=scale)',
    color: 'matlabY', modcrop: true, round: 'none', shave: 'scale', dataRange: 255,
    psnr: 'skimage', mse: 'elementwise', ssim: 'wang',
  },
} as const satisfies Record<string, EvalPreset>;

/** Names of the built-in protocols. */
export type EvalProtocol = keyof typeof EVAL_PRESETS;

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** A built-in protocol name or a custom {@link EvalPreset}. */
  protocol: EvalProtocol | EvalPreset;
  /** Super-resolution factor (a positive integer); used by modcrop and `shave: 'scale'`. */
  scale: number;
}

/** Scores of one image pair under one protocol. */
export interface EvalResult {
  /** dB; `Infinity` when the compared planes are identical. */
  psnr: number;
  ssim: number;
  mse: number;
}

/**
 * Scores a super-resolved image against its ground truth under a named protocol.
 *
 * `sr` and `hr` may be Images or Planes. For the Y protocols a 1-channel Plane is the Y channel
 * already, on the 0..255 scale; this is how a pipeline passes float network output (`paper` then
 * rounds it to uint8 as `demo_SR.m` does), and how a precomputed float ground-truth Y is passed.
 *
 * @example evaluate(srY, hrImage, { protocol: 'paper', scale: 3 }) // { psnr, ssim, mse } on Y
 * @throws ShapeError when `sr` does not have the size of (modcropped) `hr`, when a Y protocol gets a
 * multi-channel Plane, or when the shave leaves nothing; ValueError for a bad scale or NaN input;
 * OptionError for an unknown protocol or option.
 */
export function evaluate(sr: MetricInput, hr: MetricInput, opts: EvaluateOptions): EvalResult {
  checkOptionKeys(opts, ['protocol', 'scale'], 'evaluate');
  const p = typeof opts.protocol === 'string' ? presetByName(opts.protocol) : opts.protocol;
  const scale = opts.scale;
  if (!Number.isInteger(scale) || scale < 1) throw new ValueError(`evaluate: scale must be a positive integer, got ${String(scale)}`);
  const fn = `evaluate(${p.name}, scale ${scale})`;
  const gt = p.modcrop ? modcrop(hr, scale) : hr;
  if (sr.width !== gt.width || sr.height !== gt.height) {
    const cropped = gt === hr ? '' : ` (hr ${hr.width}x${hr.height} cropped to a multiple of ${scale})`;
    throw new ShapeError(`${fn}: sr is ${sr.width}x${sr.height} but hr is ${gt.width}x${gt.height}${cropped}; both must have that size`);
  }
  const border = p.shave === 'scale' ? scale : p.shave;
  const a = shave(prepare(sr, p, fn, 'sr'), border);
  const b = shave(prepare(gt, p, fn, 'hr'), border);
  checkPair(a, b, fn);
  const sse = sumSquaredDiff(a.data, b.data);
  const mseAll = sse / a.data.length;
  const R = p.dataRange;
  return {
    psnr: psnrFromMse(mseAll, R, p.psnr),
    ssim: p.ssim === 'wang' ? ssimWang(a, b, { dataRange: R }) : ssim(a, b, { dataRange: R }),
    mse: p.mse === 'elementwise' ? mseAll : sse / (a.width * a.height),
  };
}

function presetByName(name: string): EvalPreset {
  if (!Object.hasOwn(EVAL_PRESETS, name)) {
    throw new OptionError(`evaluate: unknown protocol '${name}' (known: ${Object.keys(EVAL_PRESETS).join(', ')})`);
  }
  return EVAL_PRESETS[name as EvalProtocol];
}

/** Applies the preset's colour transform and rounding to one input. */
function prepare(x: MetricInput, p: EvalPreset, fn: string, role: string): MetricInput {
  if (!isImage(x)) assertFinite(x, `${fn}: ${role}`);
  if (p.color === 'matlabY') {
    if (isImage(x)) {
      if (x.channels === 1) return x;
      return p.round === 'uint8' ? createImage(x.width, x.height, 1, matlabYU8(x)) : matlabY(x);
    }
    if (x.channels !== 1) {
      throw new ShapeError(
        `${fn}: ${role} is a ${x.channels}-channel Plane, but protocol '${p.name}' compares Y: pass an Image ` +
          '(converted with MATLAB rgb2ycbcr) or a 1-channel Y Plane on the 0..255 scale',
      );
    }
  }
  return p.round === 'uint8' && !isImage(x) ? roundToU8(x) : x;
}

/** MATLAB `uint8(x)`: round half away from zero, saturate to 0..255. */
function roundToU8(p: Plane): Image {
  const d = p.data;
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
  }
  return createImage(p.width, p.height, p.channels as Channels, out);
}

/** Means over images of each score (`Infinity` when any image's PSNR is). Empty input gives NaNs. */
export function meanEvalResult(results: readonly EvalResult[]): EvalResult {
  const m = { psnr: 0, ssim: 0, mse: 0 };
  for (const r of results) {
    m.psnr += r.psnr;
    m.ssim += r.ssim;
    m.mse += r.mse;
  }
  const n = results.length;
  return { psnr: m.psnr / n, ssim: m.ssim / n, mse: m.mse / n };
}
