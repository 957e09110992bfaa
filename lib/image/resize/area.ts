/**
 * `cv2.resize(..., INTER_AREA)` as OpenCV 4.6 computes it (conventions.md section 1). Three cases:
 *
 * 1. Integer factors `ix, iy` on both axes (`|scale - rne(scale)| < DBL_EPSILON`, downscaling):
 *    block sums `S` over `iy x ix` blocks (`resizeAreaFast_`).
 *    - uint8, `ix = iy = 2`, cn in {1, 3, 4}: `(S + 2) >> 2` (half up);
 *    - other uint8: `rne(f32(S * f32(1 / (ix iy))))` (half even; cn = 2 at 2x takes this path);
 *    - float32: `f32(S * f32(1/(ix iy)))` where S is summed in float32 in groups of four block values
 *      (`sum += ((v0 + v1) + v2) + v3`, block in row-major order), except at 2x for cn = 4 (every pixel)
 *      and cn = 1 (the first `floor(dw/4)*4` pixels of a row), where SSE2 sums `(v0 + v1) + (v2 + v3)`.
 * 2. Other downscales (`scale >= 1` on both axes): the `computeResizeAreaTab` tables and
 *    `ResizeArea_Invoker` accumulation, float32 throughout. Per axis, for each `d`:
 *    `fs1 = d*scale`, `fs2 = fs1 + scale`, `cell = min(scale, n - fs1)`, `s2 = min(floor(fs2), n-1)`,
 *    `s1 = min(ceil(fs1), s2)`; entries `(s1-1, (s1-fs1)/cell)` if `s1 - fs1 > 1e-3`,
 *    `(s, 1/cell)` for `s1 <= s < s2`, `(s2, min(fs2-s2, 1, cell)/cell)` if `fs2 - s2 > 1e-3`.
 *    Per source row `buf[dx] += f32(src * alpha)`, per destination row `sum += f32(beta * buf)`,
 *    then uint8 `rne` and saturate.
 * 3. Any axis upscaled: the bilinear pipeline of linear.ts with "area mode" coordinates.
 */
import { clampedView, type ResizeGeometry } from './common.js';
import { resizeLinearF32, resizeLinearU8 } from './linear.js';

const f32 = Math.fround;

/** INTER_AREA resize of uint8 `src` into `out`; returns `out`. `out` must not alias `src`. */
export function resizeAreaU8(out: Uint8Array, src: Uint8Array, g: ResizeGeometry): Uint8Array {
  if (g.scaleX < 1 || g.scaleY < 1) return resizeLinearU8(out, src, g, true);
  if (g.integerScale) return areaFastU8(out, src, g);
  return areaGeneral(out, src, g, clampedView(out));
}

/** INTER_AREA resize of float32 `src` into `out`; returns `out`. `out` must not alias `src`. */
export function resizeAreaF32(out: Float32Array, src: Float32Array, g: ResizeGeometry): Float32Array {
  if (g.scaleX < 1 || g.scaleY < 1) return resizeLinearF32(out, src, g, true);
  if (g.integerScale) return areaFastF32(out, src, g);
  return areaGeneral(out, src, g, out);
}

/**
 * Integer-factor block means of uint8 (cv2 `resizeAreaFast_<uchar>`). With integer scales
 * `sw = ix * dw` and `sh = iy * dh` hold exactly, so every block lies inside the image.
 */
export function areaFastU8(out: Uint8Array, src: Uint8Array, g: ResizeGeometry): Uint8Array {
  const { sw, dw, dh, cn } = g;
  const ix = g.iscaleX;
  const iy = g.iscaleY;
  const rowIn = sw * cn;
  const W = dw * cn;
  if (ix === 2 && iy === 2 && cn !== 2) {
    for (let dy = 0; dy < dh; dy++) {
      const s0 = 2 * dy * rowIn;
      const s1 = s0 + rowIn;
      const o = dy * W;
      for (let dx = 0; dx < dw; dx++) {
        const p = 2 * dx * cn;
        for (let c = 0; c < cn; c++) {
          const a = p + c;
          out[o + dx * cn + c] = (src[s0 + a]! + src[s0 + a + cn]! + src[s1 + a]! + src[s1 + a + cn]! + 2) >> 2;
        }
      }
    }
    return out;
  }
  const clamped = clampedView(out);
  const scale = f32(1 / (ix * iy));
  for (let dy = 0; dy < dh; dy++) {
    const sy0 = dy * iy;
    for (let dx = 0; dx < dw; dx++) {
      const p = dx * ix * cn;
      for (let c = 0; c < cn; c++) {
        let sum = 0;
        for (let by = 0; by < iy; by++) {
          const r = (sy0 + by) * rowIn + p + c;
          for (let bx = 0; bx < ix; bx++) sum += src[r + bx * cn]!;
        }
        clamped[dy * W + dx * cn + c] = f32(sum * scale);
      }
    }
  }
  return out;
}

/** Integer-factor block means of float32 (cv2 `resizeAreaFast_<float>`, summation order as cv2's). */
export function areaFastF32(out: Float32Array, src: Float32Array, g: ResizeGeometry): Float32Array {
  const { sw, dw, dh, cn } = g;
  const ix = g.iscaleX;
  const iy = g.iscaleY;
  const rowIn = sw * cn;
  const W = dw * cn;
  const area = ix * iy;
  const scale = f32(1 / area);
  // SSE2 part of the 2x case (ResizeAreaFastVec_SIMD_32f): pixels [0, nvec) use (v0 + v1) + (v2 + v3).
  const nvec = ix === 2 && iy === 2 ? (cn === 4 ? dw : cn === 1 ? dw - (dw % 4) : 0) : 0;
  for (let dy = 0; dy < dh; dy++) {
    const sy0 = dy * iy;
    for (let dx = 0; dx < dw; dx++) {
      const p = dx * ix * cn;
      for (let c = 0; c < cn; c++) {
        const base = sy0 * rowIn + p + c;
        let sum: number;
        if (dx < nvec) {
          const b = base + rowIn;
          sum = f32(f32(src[base]! + src[base + cn]!) + f32(src[b]! + src[b + cn]!));
        } else {
          sum = 0;
          let k = 0;
          for (; k + 4 <= area; k += 4) {
            const v0 = src[base + ofs(k, ix, rowIn, cn)]!;
            const v1 = src[base + ofs(k + 1, ix, rowIn, cn)]!;
            const v2 = src[base + ofs(k + 2, ix, rowIn, cn)]!;
            const v3 = src[base + ofs(k + 3, ix, rowIn, cn)]!;
            sum = f32(sum + f32(f32(f32(v0 + v1) + v2) + v3));
          }
          for (; k < area; k++) sum = f32(sum + src[base + ofs(k, ix, rowIn, cn)]!);
        }
        out[dy * W + dx * cn + c] = sum * scale;
      }
    }
  }
  return out;
}

/** Offset of the k-th value of a block (row-major: `k = by * ix + bx`), cv2's `ofs[k]`. */
function ofs(k: number, ix: number, rowIn: number, cn: number): number {
  const by = (k / ix) | 0;
  return by * rowIn + (k - by * ix) * cn;
}

/** One axis of cv2's `computeResizeAreaTab`: entries `(destination, source, weight)` in order. */
export interface AreaTab {
  readonly di: Int32Array;
  readonly si: Int32Array;
  readonly alpha: Float32Array;
}

/** cv2 `computeResizeAreaTab(sn, dn, 1, scale)` (indices not multiplied by cn). */
export function areaTab(sn: number, dn: number, scale: number): AreaTab {
  const di: number[] = [];
  const si: number[] = [];
  const alpha: number[] = [];
  for (let d = 0; d < dn; d++) {
    const fs1 = d * scale;
    const fs2 = fs1 + scale;
    const cell = Math.min(scale, sn - fs1);
    const s2 = Math.min(Math.floor(fs2), sn - 1);
    const s1 = Math.min(Math.ceil(fs1), s2);
    if (s1 - fs1 > 1e-3) di.push(d), si.push(s1 - 1), alpha.push((s1 - fs1) / cell);
    for (let s = s1; s < s2; s++) di.push(d), si.push(s), alpha.push(1 / cell);
    if (fs2 - s2 > 1e-3) di.push(d), si.push(s2), alpha.push(Math.min(fs2 - s2, 1, cell) / cell);
  }
  return { di: Int32Array.from(di), si: Int32Array.from(si), alpha: Float32Array.from(alpha) };
}

/**
 * Non-integer downscale (cv2 `ResizeArea_Invoker`), float32 accumulation. Results go to `dst`: a clamping
 * byte view for uint8 (rne + saturate on store) or the float32 output itself. Returns `out`.
 */
function areaGeneral<T extends Uint8Array | Float32Array>(
  out: T, src: T, g: ResizeGeometry, dst: Uint8ClampedArray | Float32Array,
): T {
  const { sw, sh, dw, dh, cn } = g;
  const xt = areaTab(sw, dw, g.scaleX);
  const yt = areaTab(sh, dh, g.scaleY);
  const xn = xt.di.length;
  const xdi = xt.di;
  const xsi = xt.si;
  const xa = xt.alpha;
  const W = dw * cn;
  const rowIn = sw * cn;
  const buf = new Float32Array(W);
  const sum = new Float32Array(W);
  let lastSy = -1;
  let prevDy = yt.di[0]!;
  for (let j = 0; j < yt.di.length; j++) {
    const dy = yt.di[j]!;
    const sy = yt.si[j]!;
    const beta = yt.alpha[j]!;
    if (sy !== lastSy) {
      buf.fill(0);
      const so = sy * rowIn;
      for (let k = 0; k < xn; k++) {
        const d = xdi[k]! * cn;
        const s = so + xsi[k]! * cn;
        const a = xa[k]!;
        for (let c = 0; c < cn; c++) buf[d + c] = buf[d + c]! + f32(src[s + c]! * a);
      }
      lastSy = sy;
    }
    if (dy !== prevDy) {
      const o = prevDy * W;
      for (let x = 0; x < W; x++) {
        dst[o + x] = sum[x]!;
        sum[x] = beta * buf[x]!;
      }
      prevDy = dy;
    } else {
      for (let x = 0; x < W; x++) sum[x] = sum[x]! + f32(beta * buf[x]!);
    }
  }
  const o = prevDy * W;
  for (let x = 0; x < W; x++) dst[o + x] = sum[x]!;
  return out;
}
