/**
 * "How good is this model on this image?" under a named protocol: one function,
 * {@link evaluateModel}, shared by the paper-table test, the tutorial example, the `eval` CLI command
 * and training validation, so the degradation pipeline and the scoring exist once.
 *
 * `'paper'`: the SRCNN authors' `demo_SR.m` (shared/anchors/quality.md section 4), the protocol of
 * the paper's tables.
 * 1. Y = MATLAB `rgb2ycbcr` Y rounded to uint8 (`matlabYU8`; gray images: the raw value);
 * 2. `gt = modcrop(Y, scale)`; 3. `gt / 255` (float64);
 * 4. bicubic = MATLAB `imresize(imresize(gt, 1/scale), scale)` in float64 (`degradePlane`);
 * 5. `model.superResolveY(bicubic)`; a 'valid' network's lost border keeps the bicubic value;
 * 6. `evaluate(x * 255, Y, 'paper')` for bicubic and network output (uint8 rounding, shave
 *    `scale`, PSNR `20 log10(255/RMSE)`, Wang SSIM, all on Y).
 *
 * `'tutorial'`: the Keras SRCNN tutorial (`SRCNN.py`; quality.md sections 4 and 7, conventions.md
 * section 6), on 3-channel images as `cv2.imread` gives them (gray is replicated, alpha dropped).
 * - Crop and degrade. Default: `modcrop(hr, scale)`, then OpenCV bilinear down by `scale` and back
 *   up (`degrade(.., 'linear')`), so the degradation is an exact factor. With `tutorialModcrop`,
 *   exactly the tutorial: degrade the whole image first (`prepare_images`), then crop reference and
 *   degraded image with its `modcrop(img, 3)`, which also drops column 0 (`modcropTutorial`).
 * - `model.restore(degraded, { border: 'keep', rounding: 'truncate' })`: Y/255 through the network,
 *   x 255, clipped and truncated to uint8, chroma from the degraded image. The tutorial crops the
 *   output to the network's valid centre; 'keep' gives the same centre at full size, and the 6 px
 *   shave below removes the rest.
 * - `evaluate(.., 'tutorial')`: shave 6, PSNR/MSE/SSIM over all 3 channels (its `compare_images`).
 *   The "bicubic" score is the degraded (bilinear) input's.
 *
 * Scores of the two protocols are not comparable with each other (Y vs RGB, bicubic vs bilinear).
 */
import { AbortError, OptionError } from '../errors.js';
import { matlabYU8 } from '../image/color.js';
import { modcrop, modcropTutorial } from '../image/crop.js';
import { degrade, degradePlane } from '../image/degrade.js';
import { assertImage, createImage, createPlane, type Image, type Plane } from '../image/image.js';
import { imresizeU8 } from '../image/imresize.js';
import { EVAL_PRESETS, evaluate, type EvalPreset, type EvalResult } from '../metrics/evaluate.js';
import type { SrcnnModel } from './srcnn.js';

/** The protocols {@link evaluateModel} runs. */
export const MODEL_PROTOCOLS = ['paper', 'tutorial'] as const;

/** Name of a protocol of {@link evaluateModel}. */
export type ModelProtocol = (typeof MODEL_PROTOCOLS)[number];

/** The tutorial's `modcrop(img, 3)` crops to multiples of 3 whatever its degradation factor. */
const TUTORIAL_MODCROP = 3;

/** Options of {@link evaluateModel}. */
export interface EvaluateModelOptions {
  /** `'paper'` (demo_SR.m, Y) or `'tutorial'` (Keras tutorial, 3 channels); see the module comment. */
  protocol: ModelProtocol;
  /** Degradation factor, an integer >= 2 (the model should be trained for it). */
  scale: number;
  /** `'tutorial'` only: reproduce the tutorial's column-dropping `modcrop(img, 3)`. @defaultValue false */
  tutorialModcrop?: boolean;
  /**
   * Pixels shaved from every side before scoring, overriding the protocol's (`'paper'`: `scale`,
   * `'tutorial'`: 6); e.g. 6 scores a 'valid' Keras network under the paper protocol on its valid
   * centre only.
   * @defaultValue the protocol's
   */
  shave?: number;
  /** Also return the RGB pictures ({@link EvalImages}). @defaultValue false */
  keepImages?: boolean;
  /** Output tile side of the network runs. @defaultValue the model's */
  tileSize?: number;
  /** Progress over the network tiles of this image (both runs with `keepImages` under `'paper'`). */
  onProgress?: (done: number, total: number) => void;
  /** Cancels between tiles (AbortError). */
  signal?: AbortSignal;
}

/**
 * The pictures behind the scores, 8-bit with the channels of `hr` (`'tutorial'`: RGB), all of one size.
 *
 * `'paper'`: `original` = modcrop(hr, scale); `degraded` = MATLAB bicubic of the uint8 image down and
 * up (`imresizeU8`: the image `model.upscale` feeds its network, so degraded and output differ only
 * by the network); `output` = `model.upscale(lr)` of that low-resolution image. Their Y differs from
 * the scored Y planes by the 8-bit rounding of the RGB intermediates (at most a few levels; the
 * scores come from the Y path, as in `demo_SR.m`).
 *
 * `'tutorial'`: the cropped reference, the degraded image and the restored image exactly as scored
 * (before the shave).
 */
export interface EvalImages {
  original: Image;
  degraded: Image;
  output: Image;
}

/** Scores of one image: the degraded input ("bicubic") and the network output against the ground truth. */
export interface ModelEvaluation {
  bicubic: EvalResult;
  srcnn: EvalResult;
  /** With `keepImages`. */
  images?: EvalImages;
}

const OPTION_KEYS = new Set(['protocol', 'scale', 'tutorialModcrop', 'shave', 'keepImages', 'tileSize', 'onProgress', 'signal']);

/**
 * Degrades `hr`, runs `model` on it and scores bicubic and network output against `hr` under
 * `opts.protocol` (see the module comment).
 * @example
 * const r = await evaluateModel(model, await readImageFile('butterfly_GT.bmp'), { protocol: 'paper', scale: 3 });
 * // r.srcnn.psnr: 27.95 with the authors' 9-5-5 x3 weights
 * @throws OptionError for an unknown option or protocol, a scale that is not an integer >= 2, or
 * `tutorialModcrop` under 'paper'; ShapeError when the image is malformed or too small for the
 * protocol; AbortError when aborted.
 */
export async function evaluateModel(model: SrcnnModel, hr: Image, opts: EvaluateModelOptions): Promise<ModelEvaluation> {
  for (const k of Object.keys(opts)) if (!OPTION_KEYS.has(k)) throw new OptionError(`evaluateModel: unknown option '${k}'`);
  const { protocol, scale } = opts;
  if (!(MODEL_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new OptionError(`evaluateModel: protocol must be ${MODEL_PROTOCOLS.map((p) => `'${p}'`).join(' or ')}, got ${JSON.stringify(protocol)}`);
  }
  if (!Number.isSafeInteger(scale) || scale < 2) throw new OptionError(`evaluateModel: scale must be an integer >= 2, got ${String(scale)}`);
  if (opts.tutorialModcrop === true && protocol !== 'tutorial') throw new OptionError("evaluateModel: tutorialModcrop applies to the 'tutorial' protocol only");
  let preset: EvalPreset = EVAL_PRESETS[protocol];
  if (opts.shave !== undefined) {
    if (!Number.isSafeInteger(opts.shave) || opts.shave < 0) throw new OptionError(`evaluateModel: shave must be a non-negative integer, got ${String(opts.shave)}`);
    preset = { ...preset, name: `${preset.name}, shave ${opts.shave}`, shave: opts.shave };
  }
  assertImage(hr, 'evaluateModel');
  if (opts.signal?.aborted) throw new AbortError();
  return protocol === 'paper' ? paper(model, hr, scale, preset, opts) : tutorial(model, hr, scale, preset, opts);
}

/** `onProgress` of network run `pass` (0-based) of `passes` equal runs, as one count. */
function passProgress(opts: EvaluateModelOptions, pass: number, passes: number): { onProgress?: (done: number, total: number) => void } {
  const cb = opts.onProgress;
  return cb ? { onProgress: (done, total) => cb(pass * total + done, passes * total) } : {};
}

function runOptions(opts: EvaluateModelOptions): { signal?: AbortSignal; tileSize?: number } {
  return { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.tileSize !== undefined ? { tileSize: opts.tileSize } : {}) };
}

async function paper(model: SrcnnModel, hr: Image, scale: number, preset: EvalPreset, opts: EvaluateModelOptions): Promise<ModelEvaluation> {
  const keep = opts.keepImages === true;
  const passes = keep ? 2 : 1;
  const gt = modcrop(createImage(hr.width, hr.height, 1, matlabYU8(hr)), scale);
  const gt01 = createPlane(gt.width, gt.height, 1);
  for (let i = 0; i < gt01.data.length; i++) gt01.data[i] = gt.data[i]! / 255;
  const bicubic = degradePlane(gt01, scale);
  const out = await model.superResolveY(bicubic, { ...runOptions(opts), ...passProgress(opts, 0, passes) });
  const bic255 = times255(bicubic);
  const sr255 = times255(bicubic);
  pasteCentre(sr255, out, 255);
  const result: ModelEvaluation = {
    bicubic: evaluate(bic255, gt, { protocol: preset, scale }),
    srcnn: evaluate(sr255, gt, { protocol: preset, scale }),
  };
  if (keep) {
    const original = modcrop(hr, scale);
    const lr = imresizeU8(original, { scale: 1 / scale });
    const output = await model.upscale(lr, { scale, resize: 'matlab', ...runOptions(opts), ...passProgress(opts, 1, passes) });
    result.images = { original, degraded: imresizeU8(lr, { scale }), output };
  }
  return result;
}

async function tutorial(model: SrcnnModel, hr: Image, scale: number, preset: EvalPreset, opts: EvaluateModelOptions): Promise<ModelEvaluation> {
  const rgb = toRgb(hr);
  let ref: Image, degraded: Image;
  if (opts.tutorialModcrop === true) {
    const whole = degrade(rgb, scale, 'linear');
    ref = modcropTutorial(rgb, TUTORIAL_MODCROP);
    degraded = modcropTutorial(whole, TUTORIAL_MODCROP);
  } else {
    ref = modcrop(rgb, scale);
    degraded = degrade(ref, scale, 'linear');
  }
  const output = await model.restore(degraded, { border: 'keep', rounding: 'truncate', ...runOptions(opts), ...passProgress(opts, 0, 1) });
  const result: ModelEvaluation = {
    bicubic: evaluate(degraded, ref, { protocol: preset, scale }),
    srcnn: evaluate(output, ref, { protocol: preset, scale }),
  };
  if (opts.keepImages === true) result.images = { original: ref, degraded, output };
  return result;
}

function times255(p: Plane): Plane<Float64Array> {
  const out = createPlane(p.width, p.height, 1);
  for (let i = 0; i < out.data.length; i++) out.data[i] = p.data[i]! * 255;
  return out;
}

/**
 * Writes `src * k` into the centre of `dst` (a 'valid' network's output is smaller by its margin on
 * every side; 'same' networks fill `dst` entirely).
 */
function pasteCentre(dst: Plane<Float64Array>, src: Plane, k: number): void {
  const mx = (dst.width - src.width) >> 1, my = (dst.height - src.height) >> 1;
  const d = dst.data, s = src.data, W = dst.width, w = src.width;
  for (let r = 0; r < src.height; r++) {
    const o = (r + my) * W + mx, i = r * w;
    for (let c = 0; c < w; c++) d[o + c] = s[i + c]! * k;
  }
}

/** `cv2.imread(path)` (IMREAD_COLOR): gray replicated to three channels, alpha dropped. */
function toRgb(img: Image): Image {
  if (img.channels === 3) return img;
  const n = img.width * img.height, cn = img.channels, s = img.data;
  const out = createImage(img.width, img.height, 3);
  const o = out.data;
  const gray = cn <= 2;
  for (let i = 0, p = 0, q = 0; i < n; i++, p += cn, q += 3) {
    o[q] = s[p]!;
    o[q + 1] = s[gray ? p : p + 1]!;
    o[q + 2] = s[gray ? p : p + 2]!;
  }
  return out;
}
