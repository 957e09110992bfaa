/**
 * Splitting an 8-bit image into the plane SRCNN processes (luma) and the planes it leaves alone
 * (chroma, alpha), and putting them back together. The network only ever sees Y; colour is carried
 * through from the (bicubic) image, as the authors and the Keras tutorial do.
 *
 * Y conventions (the weights' `meta.colour`):
 * - `'matlab-y'`: MATLAB `rgb2ycbcr` on 0..255 values, unrounded (BT.601 studio range, Y 16..235),
 *   back with MATLAB `ycbcr2rgb` (`image/color.ts` `rgbToYCbCrMatlab` / `ycbcrToRgbMatlab`);
 * - `'opencv-y'`: OpenCV `cvtColor(BGR2YCrCb)` (14-bit fixed point, full range, uint8), back with
 *   `COLOR_YCrCb2BGR` (`rgbToYCrCb` / `yCrCbToRgb`).
 * Gray images (1 channel, or gray + alpha) use the gray value itself as Y under both conventions, as
 * the authors' `demo_SR.m` does for single-channel images.
 */
import { ShapeError } from '../errors.js';
import { rgbToYCbCrMatlab, rgbToYCrCb, ycbcrToRgbMatlab, yCrCbToRgb } from '../image/color.js';
import { createImage, createPlane, type Image, type Plane } from '../image/image.js';
import type { Rect } from '../model/tiling.js';
import type { ColourConvention } from '../weights/types.js';

/** How the network's Y (on 0..255) becomes 8 bits: `'round'` half up, or `'truncate'` (numpy `astype(uint8)`, the tutorial). Both clip to [0, 255] first. */
export type Rounding = 'round' | 'truncate';

/** An image taken apart: Y on 0..255 plus what is needed to rebuild the image. */
export interface LumaSplit {
  /** Y on the 0..255 scale (float64, 1 channel). */
  y: Plane<Float64Array>;
  /** The source image (for its chroma and alpha). */
  source: Image;
  /** The convention Y was computed with (gray images ignore it). */
  colour: ColourConvention;
  /** 'matlab-y' colour images: the unrounded Y, Cb, Cr planes (interleaved). */
  ycbcr: Plane<Float64Array> | null;
  /** 'opencv-y' colour images: the uint8 Y, Cr, Cb image. */
  ycrcb: Image | null;
}

/** Takes Y (0..255) out of `img` with `colour`'s convention (gray: the gray value). */
export function splitLuma(img: Image, colour: ColourConvention): LumaSplit {
  const n = img.width * img.height;
  const y = createPlane(img.width, img.height, 1);
  if (img.channels <= 2) {
    for (let i = 0; i < n; i++) y.data[i] = img.data[i * img.channels]!;
    return { y, source: img, colour, ycbcr: null, ycrcb: null };
  }
  // The converters read RGB and ignore a fourth (alpha) channel.
  if (colour === 'matlab-y') {
    const ycbcr = rgbToYCbCrMatlab(img);
    for (let i = 0; i < n; i++) y.data[i] = ycbcr.data[i * 3]!;
    return { y, source: img, colour, ycbcr, ycrcb: null };
  }
  const ycrcb = rgbToYCrCb(img);
  for (let i = 0; i < n; i++) y.data[i] = ycrcb.data[i * 3]!;
  return { y, source: img, colour, ycbcr: null, ycrcb };
}

/** Clips to [0, 255] and quantises with `rounding`. */
function toByte(v: number, rounding: Rounding): number {
  const c = v < 0 ? 0 : v > 255 ? 255 : v;
  return rounding === 'round' ? Math.floor(c + 0.5) : Math.floor(c);
}

/**
 * Rebuilds an image of `rect` (a region of the split image) whose Y is `yNew` (0..255, `rect`-sized,
 * row-major), quantised with `rounding`; chroma and alpha come from the split image. The result has
 * the split image's channel layout.
 * @throws ShapeError when `rect` leaves the image or `yNew` has the wrong length.
 */
export function mergeLuma(split: LumaSplit, yNew: ArrayLike<number>, rect: Rect, rounding: Rounding): Image {
  const src = split.source;
  const { x: rx, y: ry, width: w, height: h } = rect;
  if (rx < 0 || ry < 0 || w <= 0 || h <= 0 || rx + w > src.width || ry + h > src.height) {
    throw new ShapeError(`mergeLuma: region ${w}x${h} at (${rx}, ${ry}) is outside the ${src.width}x${src.height} image`);
  }
  if (yNew.length !== w * h) throw new ShapeError(`mergeLuma: Y has ${yNew.length} values, the ${w}x${h} region needs ${w * h}`);
  const cn = src.channels, W = src.width;
  const out = createImage(w, h, cn);
  const o = out.data, s = src.data;
  if (cn <= 2) {
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const i = r * w + c;
        o[i * cn] = toByte(yNew[i]!, rounding);
        if (cn === 2) o[i * 2 + 1] = s[((ry + r) * W + rx + c) * 2 + 1]!;
      }
    }
    return out;
  }
  let rgb: Image;
  if (split.ycbcr !== null) {
    const p = createPlane(w, h, 3);
    const ycc = split.ycbcr.data;
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const i = r * w + c, j = (ry + r) * W + rx + c;
        p.data[i * 3] = toByte(yNew[i]!, rounding);
        p.data[i * 3 + 1] = ycc[j * 3 + 1]!;
        p.data[i * 3 + 2] = ycc[j * 3 + 2]!;
      }
    }
    rgb = ycbcrToRgbMatlab(p);
  } else {
    const q = createImage(w, h, 3);
    const ycc = split.ycrcb!.data;
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const i = r * w + c, j = (ry + r) * W + rx + c;
        q.data[i * 3] = toByte(yNew[i]!, rounding);
        q.data[i * 3 + 1] = ycc[j * 3 + 1]!;
        q.data[i * 3 + 2] = ycc[j * 3 + 2]!;
      }
    }
    rgb = yCrCbToRgb(q);
  }
  if (cn === 3) return rgb;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      o[i * 4] = rgb.data[i * 3]!;
      o[i * 4 + 1] = rgb.data[i * 3 + 1]!;
      o[i * 4 + 2] = rgb.data[i * 3 + 2]!;
      o[i * 4 + 3] = s[((ry + r) * W + rx + c) * 4 + 3]!;
    }
  }
  return out;
}
