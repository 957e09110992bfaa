/**
 * `cv2.resize(..., INTER_CUBIC)` as OpenCV 4.6 `resizeGeneric_` computes it on an SSE2 baseline build
 * (conventions.md section 1).
 *
 * - `f = f32((d + 0.5) * scale - 0.5)`, `s = floor(f)`, `f = f32(f - s)`, **no clamping** of `f`; the four
 *   taps `s-1 .. s+2` are clamped to the image (replicate), for columns and rows alike.
 * - Coefficients in float32 with `A = -0.75` (`interpolateCubic`):
 *   `c0 = ((A(x+1) - 5A)(x+1) + 8A)(x+1) - 4A`, `c1 = ((A+2)x - (A+3))x x + 1`,
 *   `c2 = ((A+2)(1-x) - (A+3))(1-x)(1-x) + 1`, `c3 = 1 - c0 - c1 - c2`.
 * - uint8: Q11 weights `ik = rne(ck * 2048)`, exact integer horizontal pass. The vertical pass is the
 *   SIMD/scalar hybrid: in each output row of `width = dw*cn` values, the first `floor(width/8)*8` use
 *   float32 (`bk = ibk * 2^-22`, `tk = f32(Tk * bk)`, `s = t0 + (t1 + (t2 + t3))`, `rne`), the rest
 *   use integers (`(Σ ibk Tk + 2^21) >> 22`); both saturate to 0..255.
 * - float32: float weights; horizontal `((S0 c0 + S1 c1) + S2 c2) + S3 c3`; vertical in the first
 *   `floor(width/4)*4` values (SSE2 4-lane `v_muladd`) `t0 + (t1 + (t2 + t3))`, in the rest
 *   `((t0 + t1) + t2) + t3`; every operation rounded to float32.
 */
import { clampedView, mapRows, rne, type ResizeGeometry } from './common.js';

const f32 = Math.fround;

/** Writes cv2's float32 `interpolateCubic(x)` coefficients to `c[o .. o+3]`. */
export function cubicCoeffs(x: number, c: Float32Array, o: number): void {
  const A = -0.75;
  const x1 = f32(x + 1);
  const y = f32(1 - x);
  const c0 = f32(f32(f32(f32(f32(f32(A * x1) + 3.75) * x1) - 6) * x1) + 3);
  const c1 = f32(f32(f32(f32(f32(1.25 * x) - 2.25) * x) * x) + 1);
  const c2 = f32(f32(f32(f32(f32(1.25 * y) - 2.25) * y) * y) + 1);
  c[o] = c0;
  c[o + 1] = c1;
  c[o + 2] = c2;
  c[o + 3] = f32(f32(1 - c0) - c1) - c2;
}

/** A destination rectangle of {@link resizeCubicU8} (pixels). */
export interface ResizeRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Per-destination-index taps (clamped source indices) and float32 weights of one axis, 4 per index. */
export interface CubicTab {
  /** Source column times cn (x) or source row (y) of tap k of the table's d-th index at `4d + k`. */
  readonly idx: Int32Array;
  readonly w: Float32Array;
}

/** The bicubic table of one axis (`mul` = cn for x, 1 for rows), for destination indices `from .. to-1`. */
export function cubicTab(sn: number, dn: number, scale: number, mul: number, from = 0, to = dn): CubicTab {
  const n = to - from;
  const idx = new Int32Array(n * 4);
  const w = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const f = f32((from + i + 0.5) * scale - 0.5);
    const s = Math.floor(f);
    cubicCoeffs(f32(f - s), w, 4 * i);
    for (let k = 0; k < 4; k++) idx[4 * i + k] = Math.min(Math.max(s - 1 + k, 0), sn - 1) * mul;
  }
  return { idx, w };
}

function hCubicU8(T: Int32Array, S: Uint8Array, so: number, xi: Int32Array, a: Int32Array, cn: number): void {
  const dw = xi.length >> 2;
  for (let dx = 0, t = 0; dx < dw; dx++) {
    const k = 4 * dx;
    const p0 = so + xi[k]!;
    const p1 = so + xi[k + 1]!;
    const p2 = so + xi[k + 2]!;
    const p3 = so + xi[k + 3]!;
    const a0 = a[k]!;
    const a1 = a[k + 1]!;
    const a2 = a[k + 2]!;
    const a3 = a[k + 3]!;
    if (cn === 3) {
      T[t] = S[p0]! * a0 + S[p1]! * a1 + S[p2]! * a2 + S[p3]! * a3;
      T[t + 1] = S[p0 + 1]! * a0 + S[p1 + 1]! * a1 + S[p2 + 1]! * a2 + S[p3 + 1]! * a3;
      T[t + 2] = S[p0 + 2]! * a0 + S[p1 + 2]! * a1 + S[p2 + 2]! * a2 + S[p3 + 2]! * a3;
      t += 3;
    } else {
      for (let c = 0; c < cn; c++) T[t++] = S[p0 + c]! * a0 + S[p1 + c]! * a1 + S[p2 + c]! * a2 + S[p3 + c]! * a3;
    }
  }
}

/**
 * Bicubic Q11 resize of uint8 `src` into `out`; returns `out`. `out` must not alias `src`.
 * With `rect` (inside the `dw x dh` destination), only that rectangle is computed and `out` holds it
 * alone (`rect.width x rect.height x cn`): the same values as in the full result, the SIMD/scalar
 * split of the vertical pass included (it follows each value's position in the full row).
 */
export function resizeCubicU8(out: Uint8Array, src: Uint8Array, g: ResizeGeometry, rect?: ResizeRect): Uint8Array {
  const { sw, sh, dw, cn } = g;
  const x0 = rect?.x ?? 0;
  const y0 = rect?.y ?? 0;
  const rw = rect?.width ?? dw;
  const dh = rect?.height ?? g.dh;
  const tx = cubicTab(sw, dw, g.scaleX, cn, x0, x0 + rw);
  const ty = cubicTab(sh, g.dh, g.scaleY, 1, y0, y0 + dh);
  const ax = new Int32Array(tx.w.length);
  for (let i = 0; i < ax.length; i++) ax[i] = rne(tx.w[i]! * 2048);
  const W = rw * cn;
  // Row values before `nv` take the float32 path: `floor(dw cn / 8) * 8` counted from the full row's start.
  const nv = Math.min(W, Math.max(0, dw * cn - ((dw * cn) % 8) - x0 * cn));
  const rowIn = sw * cn;
  const bufs = [new Int32Array(W), new Int32Array(W), new Int32Array(W), new Int32Array(W)];
  const have = Int32Array.of(-1, -1, -1, -1);
  const need = new Int32Array(4);
  const slot = new Int32Array(4);
  const clamped = clampedView(out);
  const scale = 2 ** -22;
  for (let dy = 0; dy < dh; dy++) {
    for (let k = 0; k < 4; k++) need[k] = ty.idx[4 * dy + k]!;
    const fill = mapRows(need, have, slot);
    for (let j = 0; j < 4; j++) if ((fill >> j) & 1) hCubicU8(bufs[j]!, src, have[j]! * rowIn, tx.idx, ax, cn);
    const T0 = bufs[slot[0]!]!;
    const T1 = bufs[slot[1]!]!;
    const T2 = bufs[slot[2]!]!;
    const T3 = bufs[slot[3]!]!;
    const ib0 = rne(ty.w[4 * dy]! * 2048);
    const ib1 = rne(ty.w[4 * dy + 1]! * 2048);
    const ib2 = rne(ty.w[4 * dy + 2]! * 2048);
    const ib3 = rne(ty.w[4 * dy + 3]! * 2048);
    const b0 = ib0 * scale;
    const b1 = ib1 * scale;
    const b2 = ib2 * scale;
    const b3 = ib3 * scale;
    const o = dy * W;
    let x = 0;
    for (; x < nv; x++) {
      clamped[o + x] = f32(f32(T0[x]! * b0) + f32(f32(T1[x]! * b1) + f32(f32(T2[x]! * b2) + f32(T3[x]! * b3))));
    }
    for (; x < W; x++) {
      clamped[o + x] = (ib0 * T0[x]! + ib1 * T1[x]! + ib2 * T2[x]! + ib3 * T3[x]! + 2097152) >> 22;
    }
  }
  return out;
}

function hCubicF32(T: Float32Array, S: Float32Array, so: number, xi: Int32Array, a: Float32Array, cn: number): void {
  const dw = xi.length >> 2;
  for (let dx = 0, t = 0; dx < dw; dx++) {
    const k = 4 * dx;
    const p0 = so + xi[k]!;
    const p1 = so + xi[k + 1]!;
    const p2 = so + xi[k + 2]!;
    const p3 = so + xi[k + 3]!;
    const a0 = a[k]!;
    const a1 = a[k + 1]!;
    const a2 = a[k + 2]!;
    const a3 = a[k + 3]!;
    for (let c = 0; c < cn; c++) {
      T[t++] = f32(f32(f32(S[p0 + c]! * a0) + f32(S[p1 + c]! * a1)) + f32(S[p2 + c]! * a2)) + f32(S[p3 + c]! * a3);
    }
  }
}

/** Bicubic float32 resize (cv2 float path); returns `out`. `out` must not alias `src`. */
export function resizeCubicF32(out: Float32Array, src: Float32Array, g: ResizeGeometry): Float32Array {
  const { sw, sh, dw, dh, cn } = g;
  const tx = cubicTab(sw, dw, g.scaleX, cn);
  const ty = cubicTab(sh, dh, g.scaleY, 1);
  const W = dw * cn;
  const nv = W - (W % 4);
  const rowIn = sw * cn;
  const bufs = [new Float32Array(W), new Float32Array(W), new Float32Array(W), new Float32Array(W)];
  const have = Int32Array.of(-1, -1, -1, -1);
  const need = new Int32Array(4);
  const slot = new Int32Array(4);
  for (let dy = 0; dy < dh; dy++) {
    for (let k = 0; k < 4; k++) need[k] = ty.idx[4 * dy + k]!;
    const fill = mapRows(need, have, slot);
    for (let j = 0; j < 4; j++) if ((fill >> j) & 1) hCubicF32(bufs[j]!, src, have[j]! * rowIn, tx.idx, tx.w, cn);
    const T0 = bufs[slot[0]!]!;
    const T1 = bufs[slot[1]!]!;
    const T2 = bufs[slot[2]!]!;
    const T3 = bufs[slot[3]!]!;
    const b0 = ty.w[4 * dy]!;
    const b1 = ty.w[4 * dy + 1]!;
    const b2 = ty.w[4 * dy + 2]!;
    const b3 = ty.w[4 * dy + 3]!;
    const o = dy * W;
    let x = 0;
    for (; x < nv; x++) out[o + x] = f32(T0[x]! * b0) + f32(f32(T1[x]! * b1) + f32(f32(T2[x]! * b2) + f32(T3[x]! * b3)));
    for (; x < W; x++) out[o + x] = f32(f32(f32(T0[x]! * b0) + f32(T1[x]! * b1)) + f32(T2[x]! * b2)) + f32(T3[x]! * b3);
  }
  return out;
}
