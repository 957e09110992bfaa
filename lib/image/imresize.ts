/**
 * MATLAB `imresize(A, .., 'bicubic')` (the SRCNN authors' resizer), following `imresize>contributions`
 * (conventions.md section 4):
 *
 * - kernel `cubic(x)` with a = -0.5: `1.5|x|³ - 2.5|x|² + 1` for |x| <= 1,
 *   `-0.5|x|³ + 2.5|x|² - 4|x| + 2` for 1 < |x| <= 2, else 0;
 * - antialiasing when shrinking (`scale < 1`): `h(x) = scale * cubic(scale * x)`, kernel width `4 / scale`
 *   (otherwise 4);
 * - output index `x = 1..out` maps to `u = x/scale + 0.5 (1 - 1/scale)`; taps `left + (0 .. P-1)` with
 *   `left = floor(u - width/2)`, `P = ceil(width) + 2`; weights `h(u - tap)` normalised to sum 1 (summed
 *   left to right); tap columns whose weights are zero for every output are dropped;
 * - border `'symmetric'` (default, MATLAB R2015b and later): half-sample mirror `[1..n, n..1]`, periodic;
 *   `'replicate'` (older MATLAB releases): clamp to `[1, n]`;
 * - output size `ceil(scale * H) x ceil(scale * W)` with `scale`, both axes at that scale; with an explicit
 *   size the scale of each axis is `out / in`;
 * - the axes are resized in order of increasing scale, rows first on ties;
 * - each output is `Σ_k w_k · in[tap_k]`, summed left to right in float64. uint8 input
 *   ({@link imresizeU8}) is rounded and saturated after EACH axis pass, half away from zero
 *   (`floor(clamp(x, 0, 255) + 0.5)`), as `imresizemex` returns the input class.
 *
 * Checked against the values MATLAB printed in GNU Octave's imresize.m tests (8 x 10 uint8, bicubic, scales
 * 1.5, 0.5, 4/3, 1/3, with and without antialiasing): identical with the symmetric border.
 */
import { OptionError, ValueError } from '../errors.js';
import { checkOptionKeys } from '../util/options.js';
import { assertSourceShape, type Image, type Plane } from './image.js';

/** Options of {@link imresize} and {@link imresizeU8}: give `scale`, or both `width` and `height`. */
export interface ImresizeOptions {
  /** Scale factor for both axes; the output is `ceil(scale * H) x ceil(scale * W)`. */
  scale?: number;
  /** Output width (with `height`); the x scale is then `width / W`. */
  width?: number;
  /** Output height (with `width`); the y scale is then `height / H`. */
  height?: number;
  /** Border rule. @defaultValue 'symmetric' */
  border?: 'symmetric' | 'replicate';
  /** MATLAB's `'Antialiasing'`: widen the kernel when shrinking. @defaultValue true */
  antialias?: boolean;
}

const OPTION_KEYS = new Set(['scale', 'width', 'height', 'border', 'antialias']);
const MAX_VALUES = 2 ** 31 - 1;

/** MATLAB `imresize>cubic` (a = -0.5). */
export function cubicMatlab(x: number): number {
  const ax = Math.abs(x);
  const ax2 = ax * ax;
  const ax3 = ax2 * ax;
  if (ax <= 1) return 1.5 * ax3 - 2.5 * ax2 + 1;
  if (ax <= 2) return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
  return 0;
}

/** The contributions of one axis: `taps` source indices and weights per output index, row-major. */
export interface ImresizeTab {
  readonly outLen: number;
  readonly taps: number;
  /** 0-based source indices, `outLen * taps`. */
  readonly idx: Int32Array;
  /** Normalised weights, `outLen * taps`. */
  readonly w: Float64Array;
}

/** MATLAB `imresize>contributions(inLen, outLen, scale, @cubic, 4, antialias)` with the given border. */
export function imresizeTab(
  inLen: number, outLen: number, scale: number, border: 'symmetric' | 'replicate' = 'symmetric', antialias = true,
): ImresizeTab {
  const shrink = scale < 1 && antialias;
  const kw = shrink ? 4 / scale : 4;
  const P = Math.ceil(kw) + 2;
  const w = new Float64Array(outLen * P);
  const idx = new Int32Array(outLen * P);
  const live = new Uint8Array(P);
  for (let i = 0; i < outLen; i++) {
    const u = (i + 1) / scale + 0.5 * (1 - 1 / scale);
    const left = Math.floor(u - kw / 2);
    let tot = 0;
    for (let k = 0; k < P; k++) {
      const x = u - (left + k);
      const v = shrink ? scale * cubicMatlab(scale * x) : cubicMatlab(x);
      w[i * P + k] = v;
      tot += v;
      idx[i * P + k] = borderIndex(left + k, inLen, border);
    }
    for (let k = 0; k < P; k++) {
      const v = w[i * P + k]! / tot;
      w[i * P + k] = v;
      if (v !== 0) live[k] = 1;
    }
  }
  let taps = 0;
  for (let k = 0; k < P; k++) taps += live[k]!;
  if (taps === P) return { outLen, taps, idx, w };
  const w2 = new Float64Array(outLen * taps);
  const idx2 = new Int32Array(outLen * taps);
  for (let i = 0, o = 0; i < outLen; i++) {
    for (let k = 0; k < P; k++) {
      if (live[k]) {
        w2[o] = w[i * P + k]!;
        idx2[o++] = idx[i * P + k]!;
      }
    }
  }
  return { outLen, taps, idx: idx2, w: w2 };
}

/** The 0-based source index of MATLAB's 1-based tap `j` (`aux(mod(j-1, 2n) + 1)`, or clamped). */
function borderIndex(j: number, n: number, border: 'symmetric' | 'replicate'): number {
  if (border === 'replicate') return j < 1 ? 0 : j > n ? n - 1 : j - 1;
  const m = (((j - 1) % (2 * n)) + 2 * n) % (2 * n);
  return m < n ? m : 2 * n - 1 - m;
}

/**
 * Vertical pass: output row `i` (of `rowLen` interleaved values) is `Σ_k w[i,k] · src row idx[i,k]`.
 * Returns `out`; `out` must not alias `src`.
 */
export function imresizeRows(out: Float64Array, src: Float64Array, rowLen: number, tab: ImresizeTab): Float64Array {
  const { outLen, taps, idx, w } = tab;
  for (let i = 0; i < outLen; i++) {
    const o = i * rowLen;
    const t0 = i * taps;
    const s0 = idx[t0]! * rowLen;
    const w0 = w[t0]!;
    for (let x = 0; x < rowLen; x++) out[o + x] = w0 * src[s0 + x]!;
    for (let k = 1; k < taps; k++) {
      const s = idx[t0 + k]! * rowLen;
      const wk = w[t0 + k]!;
      for (let x = 0; x < rowLen; x++) out[o + x] = out[o + x]! + wk * src[s + x]!;
    }
  }
  return out;
}

/**
 * {@link imresizeRows} on bytes with MATLAB's uint8 rounding of each output, `floor(clamp(x, 0, 255) + 0.5)`:
 * a clamping store saturates and `(x + 0.5) | 0` truncates, which is the floor for `x + 0.5 >= 0` and
 * gives `<= 0` otherwise (resampled bytes stay far inside the int32 range). `acc` is a scratch row of
 * `rowLen` values. Returns `out`; `out` must not alias `src`.
 */
export function imresizeRowsU8(out: Uint8Array, src: Uint8Array, rowLen: number, tab: ImresizeTab, acc: Float64Array): Uint8Array {
  const { outLen, taps, idx, w } = tab;
  const clamped = new Uint8ClampedArray(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < outLen; i++) {
    const t0 = i * taps;
    const s0 = idx[t0]! * rowLen;
    const w0 = w[t0]!;
    for (let x = 0; x < rowLen; x++) acc[x] = w0 * src[s0 + x]!;
    for (let k = 1; k < taps; k++) {
      const s = idx[t0 + k]! * rowLen;
      const wk = w[t0 + k]!;
      for (let x = 0; x < rowLen; x++) acc[x] = acc[x]! + wk * src[s + x]!;
    }
    const o = i * rowLen;
    for (let x = 0; x < rowLen; x++) clamped[o + x] = (acc[x]! + 0.5) | 0;
  }
  return out;
}

/** Source offsets `idx * cn` of a table, for the horizontal passes. */
function pixelOffsets(tab: ImresizeTab, cn: number): Int32Array {
  const ofs = new Int32Array(tab.idx.length);
  for (let i = 0; i < ofs.length; i++) ofs[i] = tab.idx[i]! * cn;
  return ofs;
}

/**
 * Horizontal pass over `rows` rows of `inW` pixels with `cn` interleaved channels: output pixel `j` is
 * `Σ_k w[j,k] · src pixel idx[j,k]` per channel. Returns `out`; `out` must not alias `src`.
 */
export function imresizeCols(out: Float64Array, src: Float64Array, rows: number, inW: number, cn: number, tab: ImresizeTab): Float64Array {
  const { outLen, taps, w } = tab;
  const ofs = pixelOffsets(tab, cn);
  for (let y = 0, o = 0; y < rows; y++) {
    const si = y * inW * cn;
    for (let j = 0; j < outLen; j++) {
      const t0 = j * taps;
      for (let c = 0; c < cn; c++) {
        const sc = si + c;
        let acc = w[t0]! * src[sc + ofs[t0]!]!;
        for (let k = 1; k < taps; k++) acc += w[t0 + k]! * src[sc + ofs[t0 + k]!]!;
        out[o++] = acc;
      }
    }
  }
  return out;
}

/**
 * {@link imresizeCols} on bytes with MATLAB's uint8 rounding of each output (1 and 3 channels
 * specialised). Returns `out`; `out` must not alias `src`.
 */
export function imresizeColsU8(out: Uint8Array, src: Uint8Array, rows: number, inW: number, cn: number, tab: ImresizeTab): Uint8Array {
  const { outLen, taps, w } = tab;
  const ofs = pixelOffsets(tab, cn);
  const clamped = new Uint8ClampedArray(out.buffer, out.byteOffset, out.length);
  for (let y = 0, o = 0; y < rows; y++) {
    const si = y * inW * cn;
    if (cn === 3) {
      for (let j = 0; j < outLen; j++, o += 3) {
        const t0 = j * taps;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        for (let k = 0; k < taps; k++) {
          const wk = w[t0 + k]!;
          const s = si + ofs[t0 + k]!;
          a0 += wk * src[s]!;
          a1 += wk * src[s + 1]!;
          a2 += wk * src[s + 2]!;
        }
        clamped[o] = (a0 + 0.5) | 0;
        clamped[o + 1] = (a1 + 0.5) | 0;
        clamped[o + 2] = (a2 + 0.5) | 0;
      }
    } else {
      for (let j = 0; j < outLen; j++) {
        const t0 = j * taps;
        for (let c = 0; c < cn; c++) {
          const sc = si + c;
          let acc = 0;
          for (let k = 0; k < taps; k++) acc += w[t0 + k]! * src[sc + ofs[t0 + k]!]!;
          clamped[o++] = (acc + 0.5) | 0;
        }
      }
    }
  }
  return out;
}

interface Plan {
  outW: number;
  outH: number;
  tabX: ImresizeTab;
  tabY: ImresizeTab;
  /** Resize rows (the vertical pass) first. */
  rowsFirst: boolean;
}

function plan(w: number, h: number, cn: number, opts: ImresizeOptions, what: string): Plan {
  if (opts === null || typeof opts !== 'object') throw new OptionError(`${what}: options must be an object`);
  checkOptionKeys(opts, OPTION_KEYS, what);
  const border = opts.border ?? 'symmetric';
  if (border !== 'symmetric' && border !== 'replicate') {
    throw new OptionError(`${what}: border must be 'symmetric' or 'replicate', got '${String(border)}'`);
  }
  const antialias = opts.antialias ?? true;
  if (typeof antialias !== 'boolean') throw new OptionError(`${what}: antialias must be a boolean`);
  let outW: number;
  let outH: number;
  let sx: number;
  let sy: number;
  const hasSize = opts.width !== undefined || opts.height !== undefined;
  if (opts.scale !== undefined) {
    if (hasSize) throw new OptionError(`${what}: give either scale or width and height, not both`);
    const s = opts.scale;
    if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) throw new ValueError(`${what}: scale must be a positive finite number, got ${s}`);
    sx = sy = s;
    outW = Math.ceil(s * w);
    outH = Math.ceil(s * h);
  } else if (hasSize) {
    const { width, height } = opts;
    if (width === undefined || height === undefined) throw new OptionError(`${what}: width and height must be given together`);
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new ValueError(`${what}: output size must be positive integers, got ${width}x${height}`);
    }
    outW = width;
    outH = height;
    sx = width / w;
    sy = height / h;
  } else {
    throw new OptionError(`${what}: give scale, or width and height`);
  }
  if (outW * outH * cn > MAX_VALUES || Math.max(outW, w) * Math.max(outH, h) * cn > MAX_VALUES) {
    throw new ValueError(`${what}: output ${outW}x${outH}x${cn} is too large`);
  }
  return {
    outW, outH,
    tabX: imresizeTab(w, outW, sx, border, antialias),
    tabY: imresizeTab(h, outH, sy, border, antialias),
    rowsFirst: sy <= sx,
  };
}

/**
 * MATLAB `imresize(p, scale | [h w], 'bicubic')` on a float plane (any channel count, each channel
 * resized independently), float64, no rounding. Float32 input is read as float64.
 * @throws OptionError for unknown or contradictory options; ValueError for a bad scale or size;
 * ShapeError for an inconsistent plane.
 */
export function imresize(p: Plane, opts: ImresizeOptions): Plane<Float64Array> {
  assertSourceShape(p, 'imresize');
  const { width: w, height: h, channels: cn } = p;
  const { outW, outH, tabX, tabY, rowsFirst } = plan(w, h, cn, opts, 'imresize');
  const src = p.data instanceof Float64Array ? p.data : Float64Array.from(p.data);
  const out = new Float64Array(outW * outH * cn);
  if (rowsFirst) {
    const mid = new Float64Array(w * outH * cn);
    imresizeRows(mid, src, w * cn, tabY);
    imresizeCols(out, mid, outH, w, cn, tabX);
  } else {
    const mid = new Float64Array(outW * h * cn);
    imresizeCols(mid, src, h, w, cn, tabX);
    imresizeRows(out, mid, outW * cn, tabY);
  }
  return { width: outW, height: outH, channels: cn, data: out };
}

/**
 * MATLAB `imresize(img, scale | [h w], 'bicubic')` on a uint8 image: as {@link imresize}, with
 * MATLAB's rounding (half away from zero) and saturation after each axis pass. Exact.
 * @throws as {@link imresize}.
 */
export function imresizeU8(img: Image, opts: ImresizeOptions): Image {
  assertSourceShape(img, 'imresizeU8');
  const { width: w, height: h, channels: cn } = img;
  const { outW, outH, tabX, tabY, rowsFirst } = plan(w, h, cn, opts, 'imresizeU8');
  const mid = new Uint8Array((rowsFirst ? w * outH : outW * h) * cn);
  const out = new Uint8Array(outW * outH * cn);
  if (rowsFirst) {
    imresizeRowsU8(mid, img.data, w * cn, tabY, new Float64Array(w * cn));
    imresizeColsU8(out, mid, outH, w, cn, tabX);
  } else {
    imresizeColsU8(mid, img.data, h, w, cn, tabX);
    imresizeRowsU8(out, mid, outW * cn, tabY, new Float64Array(outW * cn));
  }
  return { width: outW, height: outH, channels: img.channels, data: out };
}
