/**
 * `cv2.resize(..., INTER_LINEAR)` as OpenCV 4.6 `resizeGeneric_` computes it (conventions.md section 1).
 *
 * Coefficients, per destination index `d` (x shown; y is the same with the exceptions below):
 * - `f = f32((d + 0.5) * scale - 0.5)`, `s = floor(f)`, `f = f32(f - s)`;
 *   in "area mode" (INTER_AREA when upscaling) instead `s = floor(d * scale)`,
 *   `f = f32((d + 1) - (s + 1) * invScale)`, `f = f <= 0 ? 0 : f - floor(f)`.
 * - x is clamped: `s < 0` gives `s = 0, f = 0`; `s >= sw - 1` gives `s = sw - 1, f = 0`; the second tap
 *   is `min(s + 1, sw - 1)`. **y is not clamped**: `f` keeps its value and only the row indices are
 *   clamped to `[0, sh - 1]` (so a 2x upscale blends row 0 with itself with weights 512/1536).
 *
 * uint8 is Q11 fixed point: `a0 = rne(f32(1 - f) * 2048)`, `a1 = rne(f * 2048)`; the horizontal pass
 * `T = s0 * a0 + s1 * a1` is exact int32 and the vertical pass is the SSE2 formula
 * `out = (((b0 * (T0 >> 4)) >> 16) + ((b1 * (T1 >> 4)) >> 16) + 2) >> 2` (not `(b0 T0 + b1 T1 + 2^21) >> 22`).
 * float32 uses the float weights `1 - f, f` and rounds every product and sum to float32.
 *
 * An exact 2x downscale is dispatched to INTER_AREA by the caller, as cv2 does.
 */
import { mapRows, rne, type ResizeGeometry } from './common.js';

const f32 = Math.fround;

/** Per-destination-index source indices and float32 weights of one axis. */
export interface LinearTab {
  /** First tap: source column times cn (x) or source row (y). */
  readonly i0: Int32Array;
  /** Second tap, likewise. */
  readonly i1: Int32Array;
  /** Weight of the first tap, `f32(1 - f)`. */
  readonly w0: Float32Array;
  /** Weight of the second tap, `f`. */
  readonly w1: Float32Array;
}

/**
 * The bilinear table of one axis. `isX` selects cv2's x rules (clamped fraction, indices times `cn`);
 * otherwise the y rules (unclamped fraction, clamped row indices).
 */
export function linearTab(
  sn: number, dn: number, scale: number, invScale: number, areaMode: boolean, isX: boolean, cn: number,
): LinearTab {
  const i0 = new Int32Array(dn);
  const i1 = new Int32Array(dn);
  const w0 = new Float32Array(dn);
  const w1 = new Float32Array(dn);
  for (let d = 0; d < dn; d++) {
    let s: number;
    let f: number;
    if (areaMode) {
      s = Math.floor(d * scale);
      f = f32(d + 1 - (s + 1) * invScale);
      f = f <= 0 ? 0 : f32(f - Math.floor(f));
    } else {
      f = f32((d + 0.5) * scale - 0.5);
      s = Math.floor(f);
      f = f32(f - s); // float32: inexact for negative f (e.g. -0.4 + 1)
    }
    if (isX) {
      if (s < 0) (s = 0), (f = 0);
      if (s >= sn - 1) (s = sn - 1), (f = 0);
      i0[d] = s * cn;
      i1[d] = Math.min(s + 1, sn - 1) * cn;
    } else {
      i0[d] = Math.min(Math.max(s, 0), sn - 1);
      i1[d] = Math.min(Math.max(s + 1, 0), sn - 1);
    }
    w0[d] = 1 - f;
    w1[d] = f;
  }
  return { i0, i1, w0, w1 };
}

/** Q11 fixed-point weight `rne(f32(w * 2048))` (cv2 `saturate_cast<short>(w * INTER_RESIZE_COEF_SCALE)`). */
export function q11(w: Float32Array): Int32Array {
  const out = new Int32Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = rne(w[i]! * 2048);
  return out;
}

/** Horizontal Q11 pass of one source row starting at `so`: `T[dx*cn+c] = S[x0+c]*a0 + S[x1+c]*a1`. */
function hLinearU8(
  T: Int32Array, S: Uint8Array, so: number, x0: Int32Array, x1: Int32Array, a0: Int32Array, a1: Int32Array, cn: number,
): void {
  const dw = x0.length;
  if (cn === 1) {
    for (let dx = 0; dx < dw; dx++) T[dx] = S[so + x0[dx]!]! * a0[dx]! + S[so + x1[dx]!]! * a1[dx]!;
  } else if (cn === 3) {
    for (let dx = 0, t = 0; dx < dw; dx++, t += 3) {
      const p = so + x0[dx]!;
      const q = so + x1[dx]!;
      const b0 = a0[dx]!;
      const b1 = a1[dx]!;
      T[t] = S[p]! * b0 + S[q]! * b1;
      T[t + 1] = S[p + 1]! * b0 + S[q + 1]! * b1;
      T[t + 2] = S[p + 2]! * b0 + S[q + 2]! * b1;
    }
  } else {
    for (let dx = 0, t = 0; dx < dw; dx++) {
      const p = so + x0[dx]!;
      const q = so + x1[dx]!;
      const b0 = a0[dx]!;
      const b1 = a1[dx]!;
      for (let c = 0; c < cn; c++) T[t++] = S[p + c]! * b0 + S[q + c]! * b1;
    }
  }
}

/**
 * Bilinear Q11 resize of uint8 `src` into `out` (sizes from `g`); returns `out`.
 * `areaMode` selects INTER_AREA's upscaling coordinates. `out` must not alias `src`.
 */
export function resizeLinearU8(out: Uint8Array, src: Uint8Array, g: ResizeGeometry, areaMode: boolean): Uint8Array {
  const { sw, sh, dw, dh, cn } = g;
  const tx = linearTab(sw, dw, g.scaleX, g.invScaleX, areaMode, true, cn);
  const ty = linearTab(sh, dh, g.scaleY, g.invScaleY, areaMode, false, 1);
  const ax0 = q11(tx.w0);
  const ax1 = q11(tx.w1);
  const by0 = q11(ty.w0);
  const by1 = q11(ty.w1);
  const W = dw * cn;
  const rowIn = sw * cn;
  const bufs = [new Int32Array(W), new Int32Array(W)];
  const have = Int32Array.of(-1, -1);
  const need = new Int32Array(2);
  const slot = new Int32Array(2);
  for (let dy = 0; dy < dh; dy++) {
    need[0] = ty.i0[dy]!;
    need[1] = ty.i1[dy]!;
    const fill = mapRows(need, have, slot);
    for (let j = 0; j < 2; j++) {
      if ((fill >> j) & 1) hLinearU8(bufs[j]!, src, have[j]! * rowIn, tx.i0, tx.i1, ax0, ax1, cn);
    }
    const T0 = bufs[slot[0]!]!;
    const T1 = bufs[slot[1]!]!;
    const b0 = by0[dy]!;
    const b1 = by1[dy]!;
    const o = dy * W;
    // b0 + b1 <= 2048 and T <= 255 * 2048, so the result is in 0..255 without clamping.
    for (let x = 0; x < W; x++) out[o + x] = (((b0 * (T0[x]! >> 4)) >> 16) + ((b1 * (T1[x]! >> 4)) >> 16) + 2) >> 2;
  }
  return out;
}

/** Horizontal float32 pass of one source row: `T = f32(f32(S0 * a0) + f32(S1 * a1))`. */
function hLinearF32(
  T: Float32Array, S: Float32Array, so: number, x0: Int32Array, x1: Int32Array, a0: Float32Array, a1: Float32Array, cn: number,
): void {
  const dw = x0.length;
  for (let dx = 0, t = 0; dx < dw; dx++) {
    const p = so + x0[dx]!;
    const q = so + x1[dx]!;
    const b0 = a0[dx]!;
    const b1 = a1[dx]!;
    for (let c = 0; c < cn; c++) T[t++] = f32(S[p + c]! * b0) + f32(S[q + c]! * b1);
  }
}

/**
 * Bilinear float32 resize (cv2 float path: no fixed point, every operation rounded to float32);
 * returns `out`. `out` must not alias `src`.
 */
export function resizeLinearF32(out: Float32Array, src: Float32Array, g: ResizeGeometry, areaMode: boolean): Float32Array {
  const { sw, sh, dw, dh, cn } = g;
  const tx = linearTab(sw, dw, g.scaleX, g.invScaleX, areaMode, true, cn);
  const ty = linearTab(sh, dh, g.scaleY, g.invScaleY, areaMode, false, 1);
  const W = dw * cn;
  const rowIn = sw * cn;
  const bufs = [new Float32Array(W), new Float32Array(W)];
  const have = Int32Array.of(-1, -1);
  const need = new Int32Array(2);
  const slot = new Int32Array(2);
  for (let dy = 0; dy < dh; dy++) {
    need[0] = ty.i0[dy]!;
    need[1] = ty.i1[dy]!;
    const fill = mapRows(need, have, slot);
    for (let j = 0; j < 2; j++) {
      if ((fill >> j) & 1) hLinearF32(bufs[j]!, src, have[j]! * rowIn, tx.i0, tx.i1, tx.w0, tx.w1, cn);
    }
    const T0 = bufs[slot[0]!]!;
    const T1 = bufs[slot[1]!]!;
    const b0 = ty.w0[dy]!;
    const b1 = ty.w1[dy]!;
    const o = dy * W;
    for (let x = 0; x < W; x++) out[o + x] = f32(T0[x]! * b0) + f32(T1[x]! * b1);
  }
  return out;
}
