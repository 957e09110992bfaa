/**
 * The image the SRCNN pipeline enhances, read one rectangle at a time, so that tiled inference never
 * holds a full-size intermediate:
 *
 * - {@link bicubicSource}: the bicubic pre-upscaled image (step 1 of `upscale`), computed on demand
 *   for a rectangle of the output straight from the low-resolution input. Both resizers are
 *   separable with per-index weight tables over the whole output axis; a rectangle uses its rows and
 *   columns of those tables and only the input pixels they reach, with the full resize's arithmetic,
 *   so every pixel is **identical** to the one of the full-image resize (`imresizeU8`, `resize`).
 *   - `'matlab'`: MATLAB `imresize` bicubic (`image/imresize.ts`): the input window the rectangle's
 *     taps reach is copied out, then the row pass (rounded to uint8, as `imresizemex`) and the column
 *     pass run on it. Both axes have the same scale, so rows go first, as `imresize` orders ties.
 *   - `'opencv-cubic'`: `cv2.resize(.., INTER_CUBIC)` (`image/resize/cubic.ts` with a rectangle).
 * - {@link imageSource}: an image already at the target size (`restore`).
 */
import { ShapeError, ValueError } from '../errors.js';
import type { Channels, Image } from '../image/image.js';
import { imresizeColsU8, imresizeRowsU8, imresizeTab, type ImresizeTab } from '../image/imresize.js';
import { resizeGeometry } from '../image/resize/common.js';
import { resizeCubicU8 } from '../image/resize/cubic.js';
import type { Rect } from '../model/tiling.js';

/** Bicubic pre-upscaling: MATLAB `imresize(.., 'bicubic')` (a = -0.5, the authors') or OpenCV `INTER_CUBIC` (a = -0.75). */
export type ResizeMethod = 'matlab' | 'opencv-cubic';

/** An image of `width x height` whose pixels are produced a rectangle at a time. */
export interface PixelSource {
  readonly width: number;
  readonly height: number;
  readonly channels: Channels;
  /**
   * Writes the pixels of `rect` (inside the image) to `out` (row-major, interleaved, at least
   * `rect.width * rect.height * channels` bytes) and returns them as an Image viewing `out`.
   */
  read(out: Uint8Array, rect: Rect): Image;
}

/** Largest number of values an output may have (the int32 index range of the kernels). */
const MAX_VALUES = 2 ** 31 - 1;

function checkRect(src: PixelSource, r: Rect, out: Uint8Array): void {
  if (r.width <= 0 || r.height <= 0 || r.x < 0 || r.y < 0 || r.x + r.width > src.width || r.y + r.height > src.height) {
    throw new ShapeError(`pixel source: rectangle ${r.width}x${r.height} at (${r.x}, ${r.y}) is outside the ${src.width}x${src.height} image`);
  }
  const n = r.width * r.height * src.channels;
  if (out.length < n) throw new ShapeError(`pixel source: output buffer has ${out.length} bytes, the rectangle needs ${n}`);
}

function view(out: Uint8Array, r: Rect, channels: Channels): Image {
  return { width: r.width, height: r.height, channels, data: out.subarray(0, r.width * r.height * channels) };
}

/** Copies rows `y .. y+h-1`, columns `x .. x+w-1` of `img` to `out` (tightly packed); returns `out`. */
function copyWindow(out: Uint8Array, img: Image, x: number, y: number, w: number, h: number): Uint8Array {
  const cn = img.channels, rowLen = w * cn, stride = img.width * cn, src = img.data;
  for (let r = 0; r < h; r++) {
    const s = (y + r) * stride + x * cn;
    out.set(src.subarray(s, s + rowLen), r * rowLen);
  }
  return out;
}

/** An image at the target size, read by copying rectangles. */
export function imageSource(img: Image): PixelSource {
  const src: PixelSource = {
    width: img.width,
    height: img.height,
    channels: img.channels,
    read(out, r) {
      checkRect(src, r, out);
      copyWindow(out, img, r.x, r.y, r.width, r.height);
      return view(out, r, img.channels);
    },
  };
  return src;
}

/**
 * The bicubic `ceil(scale * W) x ceil(scale * H)` upscale of `img` by `method`, read by rectangles
 * (see the module comment); each rectangle equals the same rectangle of `imresizeU8(img, { scale })`
 * ('matlab') or `resize(img, outW, outH, 'cubic')` ('opencv-cubic').
 * @throws ValueError when `scale` is not a finite number > 0 or the output would be too large.
 */
export function bicubicSource(img: Image, scale: number, method: ResizeMethod): PixelSource {
  if (!Number.isFinite(scale) || scale <= 0) throw new ValueError(`bicubic: scale must be a positive finite number, got ${scale}`);
  const outW = Math.ceil(scale * img.width), outH = Math.ceil(scale * img.height);
  if (outW * outH * img.channels > MAX_VALUES) throw new ValueError(`bicubic: output ${outW}x${outH}x${img.channels} is too large`);
  return method === 'matlab' ? matlabSource(img, scale, outW, outH) : opencvSource(img, outW, outH);
}

function opencvSource(img: Image, outW: number, outH: number): PixelSource {
  if (outW === img.width && outH === img.height) return imageSource(img); // cv2.resize to the same size copies
  const g = resizeGeometry(img.width, img.height, outW, outH, img.channels);
  const src: PixelSource = {
    width: outW,
    height: outH,
    channels: img.channels,
    read(out, r) {
      checkRect(src, r, out);
      resizeCubicU8(out, img.data, g, r);
      return view(out, r, img.channels);
    },
  };
  return src;
}

/** Rows `from .. from+n-1` of a table with their source indices shifted by `-shift`, into `idx`. */
function tabRows(tab: ImresizeTab, from: number, n: number, idx: Int32Array, shift: number): ImresizeTab {
  const t = tab.taps;
  const sub = idx.subarray(0, n * t);
  const all = tab.idx;
  for (let i = 0, j = from * t; i < sub.length; i++, j++) sub[i] = all[j]! - shift;
  return { outLen: n, taps: t, idx: sub, w: tab.w.subarray(from * t, (from + n) * t) };
}

/** Smallest and largest source index of table rows `from .. from+n-1`. */
function tapRange(tab: ImresizeTab, from: number, n: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  const idx = tab.idx;
  for (let i = from * tab.taps, e = (from + n) * tab.taps; i < e; i++) {
    const v = idx[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function matlabSource(img: Image, scale: number, outW: number, outH: number): PixelSource {
  const cn = img.channels;
  const tabX = imresizeTab(img.width, outW, scale);
  const tabY = imresizeTab(img.height, outH, scale);
  // Scratch reused by every read, grown to the largest rectangle.
  let window = new Uint8Array(0), mid = new Uint8Array(0), acc = new Float64Array(0);
  let idxX = new Int32Array(0), idxY = new Int32Array(0);
  const src: PixelSource = {
    width: outW,
    height: outH,
    channels: cn,
    read(out, r) {
      checkRect(src, r, out);
      const [y0, y1] = tapRange(tabY, r.y, r.height);
      const [x0, x1] = tapRange(tabX, r.x, r.width);
      const ww = x1 - x0 + 1, wh = y1 - y0 + 1;
      if (window.length < ww * wh * cn) window = new Uint8Array(ww * wh * cn);
      if (mid.length < ww * r.height * cn) mid = new Uint8Array(ww * r.height * cn);
      if (acc.length < ww * cn) acc = new Float64Array(ww * cn);
      if (idxX.length < r.width * tabX.taps) idxX = new Int32Array(r.width * tabX.taps);
      if (idxY.length < r.height * tabY.taps) idxY = new Int32Array(r.height * tabY.taps);
      copyWindow(window, img, x0, y0, ww, wh);
      const ty = tabRows(tabY, r.y, r.height, idxY, y0);
      const tx = tabRows(tabX, r.x, r.width, idxX, x0);
      imresizeRowsU8(mid, window, ww * cn, ty, acc);
      imresizeColsU8(out, mid, r.height, ww, cn, tx);
      return view(out, r, cn);
    },
  };
  return src;
}
