/**
 * Image resampling and colour throughput on a 2048 x 2048 RGB image (256 x 256 with --quick), in
 * Mpixel/s of **output** pixels (x2 down: 1024², x2 up: 4096²).
 *
 * Every row times, in the same process, a naive float64 baseline written straight from the definition:
 * per output pixel it recomputes the source coordinates and weights (no tables, no row reuse), sums in
 * float64 and rounds once (so it is also *not* bit-exact; `extra.baselineMismatch` is the fraction of
 * output values where it differs from the exact port).
 * - OpenCV linear / cubic: the pixel-centre mapping `(d + 0.5) * scale - 0.5` with cv2's clamping,
 *   bilinear or a = -0.75 bicubic weights, `Math.round` at the end.
 *   Note: cv2 (and so `resize`) runs an exact x2 INTER_LINEAR downscale as INTER_AREA's 2x2 mean.
 * - MATLAB imresize bicubic: the non-separable 2-D sum over the P x P taps of `contributions`
 *   (antialiased kernel when shrinking, symmetric border), weights recomputed per pixel, rounded once.
 * - Colour: the float formulas `Y = .299R + .587G + .114B`, `Cr = (R - Y) .713 + 128`, ... with rounding.
 */
import { measure, mpixels, throughputRow, type BenchRow, type BenchSuite, type Timing } from '../harness.js';
import type { Image } from '../../lib/image/image.js';
import { rgbToYCrCb, yCrCbToRgb } from '../../lib/image/color.js';
import { imresizeU8 } from '../../lib/image/imresize.js';
import { resize } from '../../lib/image/resize/index.js';

/** A deterministic RGB test image: smooth structure plus noise. */
function testImage(n: number): Image {
  const data = new Uint8Array(n * n * 3);
  let seed = 2024;
  for (let y = 0, i = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      for (let c = 0; c < 3; c++, i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const v = 128 + 90 * Math.sin((x + 40 * c) / 37) * Math.cos(y / 23) + ((seed >>> 24) & 63) - 32;
        data[i] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
      }
    }
  }
  return { width: n, height: n, channels: 3, data };
}

const clampByte = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Naive float64 bilinear with cv2's coordinate mapping and clamping; rounds once. */
function naiveLinear(src: Image, dw: number, dh: number): Uint8Array {
  const { width: sw, height: sh, channels: cn, data } = src;
  const out = new Uint8Array(dw * dh * cn);
  const sx = sw / dw;
  const sy = sh / dh;
  for (let dy = 0, o = 0; dy < dh; dy++) {
    for (let dx = 0; dx < dw; dx++) {
      const fy = (dy + 0.5) * sy - 0.5;
      const fx = Math.min(Math.max((dx + 0.5) * sx - 0.5, 0), sw - 1);
      const y0 = Math.floor(fy);
      const x0 = Math.floor(fx);
      const wy = fy - y0;
      const wx = fx - x0;
      const ya = Math.min(Math.max(y0, 0), sh - 1);
      const yb = Math.min(Math.max(y0 + 1, 0), sh - 1);
      const xb = Math.min(x0 + 1, sw - 1);
      for (let c = 0; c < cn; c++, o++) {
        const top = data[(ya * sw + x0) * cn + c]! * (1 - wx) + data[(ya * sw + xb) * cn + c]! * wx;
        const bot = data[(yb * sw + x0) * cn + c]! * (1 - wx) + data[(yb * sw + xb) * cn + c]! * wx;
        out[o] = clampByte(top * (1 - wy) + bot * wy);
      }
    }
  }
  return out;
}

function cubicW(x: number): number {
  const A = -0.75;
  const ax = Math.abs(x);
  if (ax <= 1) return ((A + 2) * ax - (A + 3)) * ax * ax + 1;
  if (ax < 2) return ((A * ax - 5 * A) * ax + 8 * A) * ax - 4 * A;
  return 0;
}

/** Naive float64 bicubic (a = -0.75, replicated border) with cv2's coordinate mapping; rounds once. */
function naiveCubic(src: Image, dw: number, dh: number): Uint8Array {
  const { width: sw, height: sh, channels: cn, data } = src;
  const out = new Uint8Array(dw * dh * cn);
  const sx = sw / dw;
  const sy = sh / dh;
  for (let dy = 0, o = 0; dy < dh; dy++) {
    for (let dx = 0; dx < dw; dx++) {
      const fy = (dy + 0.5) * sy - 0.5;
      const fx = (dx + 0.5) * sx - 0.5;
      const y0 = Math.floor(fy);
      const x0 = Math.floor(fx);
      for (let c = 0; c < cn; c++, o++) {
        let acc = 0;
        for (let i = -1; i <= 2; i++) {
          const yy = Math.min(Math.max(y0 + i, 0), sh - 1);
          const wy = cubicW(fy - (y0 + i));
          for (let j = -1; j <= 2; j++) {
            const xx = Math.min(Math.max(x0 + j, 0), sw - 1);
            acc += wy * cubicW(fx - (x0 + j)) * data[(yy * sw + xx) * cn + c]!;
          }
        }
        out[o] = clampByte(acc);
      }
    }
  }
  return out;
}

function cubicMatlab(x: number): number {
  const ax = Math.abs(x);
  if (ax <= 1) return 1.5 * ax ** 3 - 2.5 * ax ** 2 + 1;
  if (ax <= 2) return -0.5 * ax ** 3 + 2.5 * ax ** 2 - 4 * ax + 2;
  return 0;
}

/** Naive 2-D MATLAB imresize bicubic (antialiased when shrinking, symmetric border); rounds once. */
function naiveImresize(src: Image, scale: number): Uint8Array {
  const { width: sw, height: sh, channels: cn, data } = src;
  const dw = Math.ceil(scale * sw);
  const dh = Math.ceil(scale * sh);
  const kw = scale < 1 ? 4 / scale : 4;
  const P = Math.ceil(kw) + 2;
  const h = (x: number) => (scale < 1 ? scale * cubicMatlab(scale * x) : cubicMatlab(x));
  const mirror = (j: number, n: number) => {
    const m = (((j - 1) % (2 * n)) + 2 * n) % (2 * n);
    return m < n ? m : 2 * n - 1 - m;
  };
  const wy = new Float64Array(P);
  const wx = new Float64Array(P);
  const out = new Uint8Array(dw * dh * cn);
  for (let y = 1, o = 0; y <= dh; y++) {
    for (let x = 1; x <= dw; x++) {
      const uy = y / scale + 0.5 * (1 - 1 / scale);
      const ux = x / scale + 0.5 * (1 - 1 / scale);
      const ly = Math.floor(uy - kw / 2);
      const lx = Math.floor(ux - kw / 2);
      let ty = 0;
      let tx = 0;
      for (let k = 0; k < P; k++) {
        ty += wy[k] = h(uy - (ly + k));
        tx += wx[k] = h(ux - (lx + k));
      }
      for (let c = 0; c < cn; c++, o++) {
        let acc = 0;
        for (let i = 0; i < P; i++) {
          const row = mirror(ly + i, sh) * sw;
          for (let j = 0; j < P; j++) acc += wy[i]! * wx[j]! * data[(row + mirror(lx + j, sw)) * cn + c]!;
        }
        out[o] = clampByte(acc / (ty * tx));
      }
    }
  }
  return out;
}

/** Naive float64 RGB -> YCrCb with rounding (the formulas cv2's integer path approximates). */
function naiveYCrCb(src: Image): Uint8Array {
  const d = src.data;
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i += 3) {
    const r = d[i]!;
    const b = d[i + 2]!;
    const y = 0.299 * r + 0.587 * d[i + 1]! + 0.114 * b;
    out[i] = clampByte(y);
    out[i + 1] = clampByte((r - y) * 0.713 + 128);
    out[i + 2] = clampByte((b - y) * 0.564 + 128);
  }
  return out;
}

/** Naive float64 YCrCb -> RGB with rounding. */
function naiveRgb(src: Image): Uint8Array {
  const d = src.data;
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i += 3) {
    const y = d[i]!;
    const cr = d[i + 1]! - 128;
    const cb = d[i + 2]! - 128;
    out[i] = clampByte(y + 1.403 * cr);
    out[i + 1] = clampByte(y - 0.714 * cr - 0.344 * cb);
    out[i + 2] = clampByte(y + 1.773 * cb);
  }
  return out;
}

function mismatch(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n / a.length;
}

export const suite: BenchSuite = {
  name: 'image',
  async run(ctx) {
    const n = ctx.quick ? 256 : 2048;
    const img = testImage(n);
    const ycc = rgbToYCrCb(img);
    const opts = { warmup: ctx.quick ? 0 : 1, runs: ctx.quick ? 1 : 5 };
    // The naive baselines take seconds per call at 2048²: one warm-up-free run is enough to rank them.
    const baseOpts = { warmup: 0, runs: ctx.quick ? 1 : 2 };
    const half = n / 2;
    const dbl = n * 2;
    const cases: { name: string; outPx: number; ours: () => Uint8Array; base: () => Uint8Array; baseName: string }[] = [
      { name: `cv2 linear x2 down (area 2x2 path) ${n}² RGB`, outPx: half * half, ours: () => resize(img, half, half, 'linear').data, base: () => naiveLinear(img, half, half), baseName: 'naive float64 bilinear' },
      { name: `cv2 linear x2 up ${n}² RGB`, outPx: dbl * dbl, ours: () => resize(img, dbl, dbl, 'linear').data, base: () => naiveLinear(img, dbl, dbl), baseName: 'naive float64 bilinear' },
      { name: `cv2 cubic x2 down ${n}² RGB`, outPx: half * half, ours: () => resize(img, half, half, 'cubic').data, base: () => naiveCubic(img, half, half), baseName: 'naive float64 bicubic' },
      { name: `cv2 cubic x2 up ${n}² RGB`, outPx: dbl * dbl, ours: () => resize(img, dbl, dbl, 'cubic').data, base: () => naiveCubic(img, dbl, dbl), baseName: 'naive float64 bicubic' },
      { name: `matlab imresizeU8 x1/2 ${n}² RGB`, outPx: half * half, ours: () => imresizeU8(img, { scale: 0.5 }).data, base: () => naiveImresize(img, 0.5), baseName: 'naive 2-D float64 imresize' },
      { name: `matlab imresizeU8 x2 ${n}² RGB`, outPx: dbl * dbl, ours: () => imresizeU8(img, { scale: 2 }).data, base: () => naiveImresize(img, 2), baseName: 'naive 2-D float64 imresize' },
      { name: `rgbToYCrCb ${n}² RGB`, outPx: n * n, ours: () => rgbToYCrCb(img).data, base: () => naiveYCrCb(img), baseName: 'naive float64 formulas' },
      { name: `yCrCbToRgb ${n}² RGB`, outPx: n * n, ours: () => yCrCbToRgb(ycc).data, base: () => naiveRgb(ycc), baseName: 'naive float64 formulas' },
    ];
    const rows: BenchRow[] = [];
    for (const c of cases) {
      const t: Timing = await measure(c.ours, opts);
      const tb: Timing = await measure(c.base, baseOpts);
      rows.push(throughputRow('image', c.name, 'Mpixel/s', (ms) => mpixels(c.outPx, ms), t, { name: c.baseName, timing: tb },
        { outputPixels: c.outPx, baselineMismatch: mismatch(c.ours(), c.base()) }));
    }
    return rows;
  },
};
