/**
 * Synthetic low-resolution inputs for SRCNN: shrink by `scale`, then enlarge back.
 *
 * - {@link degrade}: the Keras tutorial's `prepare_images`, `cv2.resize(img, (w//f, h//f), interp)` then
 *   `cv2.resize(.., (w, h), interp)` (the tutorial uses INTER_LINEAR), or MATLAB `imresize` bicubic
 *   (uint8, by size) for `'matlab'`.
 * - {@link degradePlane}: the SRCNN authors' `demo_SR.m` on a float image,
 *   `im_l = imresize(im, 1/scale, 'bicubic')`, `im_b = imresize(im_l, scale, 'bicubic')` (scale arguments,
 *   so the image must be modcropped to a multiple of `scale` first).
 */
import { OptionError, ShapeError, ValueError } from '../errors.js';
import type { Image, Plane } from './image.js';
import { imresize, imresizeU8 } from './imresize.js';
import { resize, type Interpolation } from './resize/index.js';

/** The OpenCV interpolations, or `'matlab'` for MATLAB imresize bicubic. */
export type DegradeInterpolation = Interpolation | 'matlab';

const METHODS: readonly DegradeInterpolation[] = ['nearest', 'linear', 'cubic', 'area', 'matlab'];

/**
 * Shrinks `img` to `floor(w/scale) x floor(h/scale)` and enlarges it back to `w x h` with the same
 * interpolation: cv2.resize (bit-exact) for the OpenCV names, {@link imresizeU8} by size for `'matlab'`.
 * @throws ValueError unless `scale` is a finite number >= 1; ShapeError when the shrunk image would be
 * empty; OptionError for an unknown interpolation.
 */
export function degrade(img: Image, scale: number, interpolation: DegradeInterpolation): Image {
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 1) {
    throw new ValueError(`degrade: scale must be a finite number >= 1, got ${scale}`);
  }
  if (!(METHODS as readonly string[]).includes(interpolation)) {
    throw new OptionError(`degrade: unknown interpolation '${interpolation}', expected one of ${METHODS.join(', ')}`);
  }
  const { width: w, height: h } = img;
  const lw = Math.floor(w / scale);
  const lh = Math.floor(h / scale);
  if (lw < 1 || lh < 1) throw new ShapeError(`degrade: a ${w}x${h} image shrunk by ${scale} is empty (${lw}x${lh})`);
  if (interpolation === 'matlab') {
    return imresizeU8(imresizeU8(img, { width: lw, height: lh }), { width: w, height: h });
  }
  return resize(resize(img, lw, lh, interpolation), w, h, interpolation);
}

/**
 * SRCNN `demo_SR.m`: `imresize(imresize(p, 1/scale), scale)`, MATLAB bicubic with antialiasing, float64
 * (any channel count). Both sides of `p` must be multiples of `scale` (modcrop first) so the result has
 * the size of `p`.
 * @throws ValueError unless `scale` is a finite number > 1; ShapeError when the result would not have
 * the size of `p`.
 */
export function degradePlane(p: Plane, scale: number): Plane<Float64Array> {
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 1) {
    throw new ValueError(`degradePlane: scale must be a finite number > 1, got ${scale}`);
  }
  const { width: w, height: h } = p;
  const upW = Math.ceil(scale * Math.ceil((1 / scale) * w));
  const upH = Math.ceil(scale * Math.ceil((1 / scale) * h));
  if (upW !== w || upH !== h) {
    throw new ShapeError(`degradePlane: a ${w}x${h} plane comes back as ${upW}x${upH} at scale ${scale}; modcrop it to a multiple of the scale first`);
  }
  return imresize(imresize(p, { scale: 1 / scale }), { scale });
}
