import { ShapeError, ValueError } from '../errors.js';
import type { Image, Plane } from './image.js';

type Img = Image | Plane;

/**
 * Copies the rectangle [x, x+w) x [y, y+h) of an image or plane (all channels).
 * @throws ShapeError when the rectangle is empty or leaves the image.
 */
export function crop<T extends Img>(src: T, x: number, y: number, w: number, h: number): T {
  if (!(Number.isInteger(x) && Number.isInteger(y) && Number.isInteger(w) && Number.isInteger(h))) {
    throw new ValueError(`crop: rectangle must be integers, got x=${x} y=${y} w=${w} h=${h}`);
  }
  if (w <= 0 || h <= 0 || x < 0 || y < 0 || x + w > src.width || y + h > src.height) {
    throw new ShapeError(`crop: rectangle ${w}x${h} at (${x}, ${y}) does not fit in a ${src.width}x${src.height} image`);
  }
  const cn = src.channels;
  const Ctor = src.data.constructor as new (n: number) => T['data'];
  const out = new Ctor(w * h * cn);
  const rowLen = w * cn;
  for (let r = 0; r < h; r++) {
    const s = ((y + r) * src.width + x) * cn;
    (out as Uint8Array).set((src.data as Uint8Array).subarray(s, s + rowLen), r * rowLen);
  }
  return { width: w, height: h, channels: cn, data: out } as unknown as T;
}

/**
 * MATLAB `modcrop(img, scale)` (SRCNN_v1 `modcrop.m`): drops the bottom rows and right columns so
 * both sides are multiples of `scale`: `img(1:h - mod(h,s), 1:w - mod(w,s), :)`.
 *
 * The Keras tutorial's variant `img[0:h-h%s, 1:w-w%s]`, which also drops column 0, is
 * {@link modcropTutorial}.
 * @throws ShapeError when the image is smaller than `scale`.
 */
export function modcrop<T extends Img>(src: T, scale: number): T {
  checkScale(scale);
  const w = src.width - (src.width % scale);
  const h = src.height - (src.height % scale);
  if (w === src.width && h === src.height) return src;
  return crop(src, 0, 0, w, h);
}

/**
 * The Keras tutorial's `modcrop(img, scale)`: `img[0:h - h%scale, 1:w - w%scale]`. Its slice starts at
 * column 1, so it drops the first column and the width is no longer a multiple of `scale`.
 * Use only to reproduce the tutorial's numbers.
 */
export function modcropTutorial<T extends Img>(src: T, scale: number): T {
  checkScale(scale);
  const w = src.width - (src.width % scale);
  const h = src.height - (src.height % scale);
  return crop(src, 1, 0, w - 1, h);
}

/**
 * SRCNN_v1 `shave(img, [b, b])`: removes `border` pixels from every side.
 * @throws ShapeError when nothing would remain.
 */
export function shave<T extends Img>(src: T, border: number): T {
  if (!Number.isInteger(border) || border < 0) throw new ValueError(`shave: border must be a non-negative integer, got ${border}`);
  if (border === 0) return src;
  if (src.width <= 2 * border || src.height <= 2 * border) {
    throw new ShapeError(`shave: a ${src.width}x${src.height} image has nothing left after shaving ${border} px per side`);
  }
  return crop(src, border, border, src.width - 2 * border, src.height - 2 * border);
}

function checkScale(scale: number): void {
  if (!Number.isInteger(scale) || scale < 1) throw new ValueError(`modcrop: scale must be a positive integer, got ${scale}`);
}
