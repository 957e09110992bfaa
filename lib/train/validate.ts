/**
 * Validation exactly as the authors' test code (`demo_SR.m`) measures a model: Y = MATLAB luma,
 * ground truth = modcrop(Y, scale), input = bicubic(bicubic(gt / 255, 1/scale), scale), output of the
 * 'same'/'replicate' network times 255, then `evaluate(..., { protocol: 'paper', scale })` (uint8
 * rounding, `scale` px shaved, PSNR/SSIM on Y), averaged over the images.
 */
import { ShapeError } from '../errors.js';
import { modcrop } from '../image/crop.js';
import { createPlane, type Plane } from '../image/image.js';
import { evaluate, meanEvalResult, type EvalResult } from '../metrics/evaluate.js';
import type { Sequential } from '../nn/sequential.js';
import { makeTrainingPair } from './data.js';
import type { ValidationResult } from './loop.js';

/** One prepared validation image. */
export interface EvalImage {
  readonly name: string;
  /** modcrop(Y, scale) on 0..255. */
  readonly gt: Plane<Float64Array>;
  /** The network input: bicubic Y/255, float32, same size as `gt`. */
  readonly input: Float32Array;
}

/**
 * Prepares validation images from their luma planes (0..255, 1 channel).
 * @throws ShapeError when a plane has more than one channel.
 */
export function prepareEvalSet(images: readonly { name: string; y: Plane }[], scale: number): EvalImage[] {
  return images.map(({ name, y }) => {
    if (y.channels !== 1) throw new ShapeError(`prepareEvalSet: ${name} must be a 1-channel Y plane, got ${y.channels} channels`);
    const { input } = makeTrainingPair(y, scale);
    const c = modcrop(y, scale);
    const gt = createPlane(c.width, c.height, 1, Float64Array.from(c.data));
    return { name, gt, input: Float32Array.from(input.data) };
  });
}

/**
 * Runs `net` (a 'same'-padded network, e.g. from `createInferenceNet`) on every image and returns
 * the mean PSNR/SSIM of the paper protocol plus per-image values.
 */
export function evaluateNet(net: Sequential, set: readonly EvalImage[], scale: number): ValidationResult {
  const scores: EvalResult[] = [];
  const perImage: { name: string; psnr: number; ssim: number }[] = [];
  for (const im of set) {
    const { width: w, height: h } = im.gt;
    const out = net.forward(im.input, 1, h, w).data;
    if (out.length !== w * h) throw new ShapeError(`evaluateNet: the network output has ${out.length} values for a ${w}x${h} input; use a 'same'-padded network`);
    const sr = createPlane(w, h, 1);
    for (let i = 0; i < out.length; i++) sr.data[i] = out[i]! * 255;
    const r = evaluate(sr, im.gt, { protocol: 'paper', scale });
    scores.push(r);
    perImage.push({ name: im.name, psnr: r.psnr, ssim: r.ssim });
  }
  const mean = meanEvalResult(scores);
  return { psnr: mean.psnr, ssim: mean.ssim, perImage };
}
