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
 *
 * Both functions write into buffers the caller provides and work pixel by pixel with the per-pixel
 * forms of the conversions in `image/color.ts`, so a tile needs no whole-image planes: the result is
 * what converting the whole image to YCbCr (YCrCb), replacing Y and converting back would give.
 */
import { ShapeError, ValueError } from '../errors.js';
import {
  matlabCbOf, matlabCrOf, matlabRgbOf, matlabYOf, opencvBOf, opencvCbOf, opencvCrOf, opencvGOf, opencvROf, opencvYOf,
} from '../image/color.js';
import type { Image } from '../image/image.js';
import type { Rect } from '../model/tiling.js';
import type { ColourConvention } from '../weights/types.js';

/** How the network's Y (on 0..255) becomes 8 bits: `'round'` half up, or `'truncate'` (numpy `astype(uint8)`, the tutorial). Both clip to [0, 255] first. */
export type Rounding = 'round' | 'truncate';

/**
 * Y of every pixel of `img` on the 0..255 scale with `colour`'s convention (gray: the gray value),
 * into `y` (row-major, at least `width * height` values). Returns `y`.
 * @throws ShapeError when `y` is too short.
 */
export function lumaInto(y: Float64Array, img: Image, colour: ColourConvention): Float64Array {
  const n = img.width * img.height, cn = img.channels, s = img.data;
  if (y.length < n) throw new ShapeError(`lumaInto: the Y buffer has ${y.length} values, a ${img.width}x${img.height} image needs ${n}`);
  if (cn <= 2) {
    for (let i = 0; i < n; i++) y[i] = s[i * cn]!;
  } else if (colour === 'matlab-y') {
    for (let i = 0, p = 0; i < n; i++, p += cn) y[i] = matlabYOf(s[p]!, s[p + 1]!, s[p + 2]!);
  } else {
    for (let i = 0, p = 0; i < n; i++, p += cn) y[i] = opencvYOf(s[p]!, s[p + 1]!, s[p + 2]!);
  }
  return y;
}

/** Clips to [0, 255] and quantises with `rounding`. @throws ValueError for NaN. */
function toByte(v: number, rounding: Rounding): number {
  if (v !== v) throw new ValueError('the network output is NaN');
  const c = v < 0 ? 0 : v > 255 ? 255 : v;
  return rounding === 'round' ? Math.floor(c + 0.5) : Math.floor(c);
}

/**
 * The pixels of `rect` (a region of `src`) with their Y replaced by `yNew` (0..255, `rect`-sized,
 * row-major), quantised with `rounding`, into `out` (at least `rect.width * rect.height * channels`
 * bytes): chroma and alpha come from `src`, and colour pixels go to YCbCr (YCrCb) and back with
 * `colour`'s convention. Returns an Image viewing `out`, with `src`'s channel layout.
 * @throws ShapeError when `rect` leaves the image or a buffer has the wrong length; ValueError for NaN in `yNew`.
 */
export function mergeLumaInto(out: Uint8Array, src: Image, colour: ColourConvention, yNew: ArrayLike<number>, rect: Rect, rounding: Rounding): Image {
  const { x: rx, y: ry, width: w, height: h } = rect;
  if (rx < 0 || ry < 0 || w <= 0 || h <= 0 || rx + w > src.width || ry + h > src.height) {
    throw new ShapeError(`mergeLumaInto: region ${w}x${h} at (${rx}, ${ry}) is outside the ${src.width}x${src.height} image`);
  }
  if (yNew.length !== w * h) throw new ShapeError(`mergeLumaInto: Y has ${yNew.length} values, the ${w}x${h} region needs ${w * h}`);
  const cn = src.channels, W = src.width, s = src.data;
  if (out.length < w * h * cn) throw new ShapeError(`mergeLumaInto: the output buffer has ${out.length} bytes, the region needs ${w * h * cn}`);
  const matlab = colour === 'matlab-y';
  for (let r = 0, i = 0; r < h; r++) {
    for (let c = 0, p = ((ry + r) * W + rx) * cn; c < w; c++, i++, p += cn) {
      const o = i * cn;
      const Y = toByte(yNew[i]!, rounding);
      if (cn <= 2) {
        out[o] = Y;
        if (cn === 2) out[o + 1] = s[p + 1]!;
        continue;
      }
      const R = s[p]!, G = s[p + 1]!, B = s[p + 2]!;
      if (matlab) {
        const cb = matlabCbOf(R, G, B), cr = matlabCrOf(R, G, B);
        out[o] = matlabRgbOf(0, Y, cb, cr);
        out[o + 1] = matlabRgbOf(1, Y, cb, cr);
        out[o + 2] = matlabRgbOf(2, Y, cb, cr);
      } else {
        const y0 = opencvYOf(R, G, B);
        const cr = opencvCrOf(R, y0), cb = opencvCbOf(B, y0);
        out[o] = opencvROf(Y, cr);
        out[o + 1] = opencvGOf(Y, cr, cb);
        out[o + 2] = opencvBOf(Y, cb);
      }
      if (cn === 4) out[o + 3] = s[p + 3]!;
    }
  }
  return { width: w, height: h, channels: cn, data: out.subarray(0, w * h * cn) };
}
