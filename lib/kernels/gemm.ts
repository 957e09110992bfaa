/**
 * Single-precision GEMM in scalar TypeScript, blocked the BLIS way (Van Zee & van de Geijn, "BLIS: A
 * Framework for Rapidly Instantiating BLAS Functionality", ACM TOMS 2015; Goto & van de Geijn 2008):
 *
 *   for jc in steps of NC over n          B block KC x NC  -> packed into NR-column panels (L3)
 *     for pc in steps of KC over k
 *       pack B(pc:pc+KC, jc:jc+NC)
 *       for ic in steps of MC over m      A block MC x KC  -> packed into MR-row panels (L2), times alpha
 *         pack A(ic:ic+MC, pc:pc+KC)
 *         for jr, ir: MR x NR micro-kernel, accumulators in local variables
 *
 * Accuracy: inputs are float32; each micro-kernel sums up to KC products in float64 (JS numbers)
 * and adds the sum to the float32 C once per KC block, so C sees ceil(k/KC) float32 roundings plus
 * one rounding of alpha*A when packing. This is at least as accurate as a float32 BLAS.
 *
 * Scratch: one module-level, grow-only packing buffer holds the packed A block followed by the packed
 * B block (at most MC*KC + KC*NC floats, 4.3 MB); nothing is allocated per call once it has grown.
 * Not re-entrant (JS is single-threaded; each worker has its own module instance).
 *
 * Why one buffer: V8 re-checks the map of every typed array a loop iteration reads and reloads its
 * base pointer (it does not hoist these out of loops), so a micro-kernel reading A and B from the same
 * array pays that once per k step instead of twice. With that and wrap-around (`| 0`) index arithmetic,
 * which drops the overflow check before every load, 512^3 went from 5.8-5.9 to 6.2-6.3 GFLOP/s here.
 */
import { ShapeError, ValueError } from '../errors.js';

/** Micro-tile rows (A panel height). */
const MR = 4;
/** Micro-tile columns (B panel width). */
const NR = 3;
/** Depth of a packed block (products summed in float64 before touching C). */
const KC = 256;
/** Rows of A per packed block; multiple of MR. */
const MC = 128;
/** Columns of B per packed block; multiple of NR. */
const NC = 4095;

/** Packed A block at [0, needA), packed B block after it. */
let pack = new Float32Array(0);
/** Accumulators of a partial (edge) micro-tile, copied into C element by element. */
const edgeTile = new Float64Array(MR * NR);
/** Columns of the m = 1 path accumulated at once (float64, 8 KB: stays in L1). */
const ROW_CHUNK = 1024;
const rowAcc = new Float64Array(ROW_CHUNK);

function checkDim(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new ShapeError(`gemm: ${name} must be a non-negative integer, got ${v}`);
}

/**
 * Checks one operand stored as `rows x cols` (`rowName x colName`, transposed or not) with row
 * stride `ld` from offset `off`. Messages are built only on failure (no allocation per call).
 */
function checkOperand(
  name: string, buf: Float32Array, off: number, rows: number, cols: number, ld: number,
  rowName: string, colName: string, trans: boolean,
): void {
  if (!Number.isInteger(ld) || ld < Math.max(1, cols)) {
    throw new ShapeError(
      `gemm: ld${name.toLowerCase()} = ${ld} is smaller than the ${cols} columns of ${name} as stored ` +
        `(${stored(rowName, colName, rows, cols, trans)})`,
    );
  }
  if (!Number.isInteger(off) || off < 0) throw new ValueError(`gemm: offset of ${name} must be a non-negative integer, got ${off}`);
  if (rows > 0 && cols > 0 && buf.length < off + (rows - 1) * ld + cols) {
    throw new ShapeError(
      `gemm: ${name} (${stored(rowName, colName, rows, cols, trans)}, ld ${ld}, offset ${off}) needs ` +
        `${off + (rows - 1) * ld + cols} elements, buffer has ${buf.length}`,
    );
  }
}

/** Describes a stored operand for messages, e.g. `k x m = 5 x 3, transposed`. */
function stored(rowName: string, colName: string, rows: number, cols: number, trans: boolean): string {
  return `${rowName} x ${colName} = ${rows} x ${cols}${trans ? ', transposed' : ''}`;
}

/** C(m x n) = beta * C, with beta = 0 writing exact zeros (NaN/Inf in C are ignored). */
function scaleC(c: Float32Array, offC: number, ldc: number, m: number, n: number, beta: number): void {
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    const r = offC + i * ldc;
    if (beta === 0) c.fill(0, r, r + n);
    else for (let j = r; j < r + n; j++) c[j] = beta * c[j]!;
  }
}

/**
 * C = alpha * op(A) * op(B) + beta * C, row-major, destination first.
 *
 * op(A) is m x k: A itself (stored m x k, row stride `lda`) or, with `transA`, the transpose of an
 * A stored k x m. Likewise op(B) is k x n, stored k x n or (with `transB`) n x k. C is m x n with row
 * stride `ldc`. `offA/offB/offC` are element offsets of the first stored element (for batched or
 * banded calls without `subarray`). beta = 0 overwrites C without reading it, so NaN in C is ignored
 * (BLAS semantics). Any m, n, k >= 0 works, including 1 and sizes that are not multiples of the tile.
 * m = 1 (a row vector times a matrix, e.g. a 1-output-channel conv layer) takes a streaming axpy/dot
 * path instead of the packed kernel.
 *
 * Aliasing: C must not overlap A or B.
 * @returns c
 * @throws ShapeError when a leading dimension is too small or a buffer is too short for its operand.
 */
export function gemm(
  c: Float32Array, transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number,
  beta: number, ldc: number, offA = 0, offB = 0, offC = 0,
): Float32Array {
  checkDim('m', m);
  checkDim('n', n);
  checkDim('k', k);
  if (transA) checkOperand('A', a, offA, k, m, lda, 'k', 'm', true);
  else checkOperand('A', a, offA, m, k, lda, 'm', 'k', false);
  if (transB) checkOperand('B', b, offB, n, k, ldb, 'n', 'k', true);
  else checkOperand('B', b, offB, k, n, ldb, 'k', 'n', false);
  checkOperand('C', c, offC, m, n, ldc, 'm', 'n', false);
  if (m === 0 || n === 0) return c;
  if (k === 0 || alpha === 0) {
    scaleC(c, offC, ldc, m, n, beta);
    return c;
  }
  if (m === 1) {
    gemvRow(c, offC, n, k, alpha, a, transA ? lda : 1, offA, b, ldb, offB, transB, beta);
    return c;
  }
  // beta = 0: the first KC block stores into C (never reading it); otherwise scale C once and
  // let every block accumulate.
  if (beta !== 0) scaleC(c, offC, ldc, m, n, beta);
  const kcMax = Math.min(k, KC);
  const needA = Math.min(roundUp(m, MR), MC) * kcMax;
  const needB = kcMax * Math.min(roundUp(n, NR), NC);
  if (pack.length < needA + needB) pack = new Float32Array(needA + needB);
  const pk = pack;
  const bOff = needA;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      const store = beta === 0 && pc === 0;
      if (transB) packBTrans(pk, bOff, b, offB + jc * ldb + pc, ldb, kc, nc);
      else packBNormal(pk, bOff, b, offB + pc * ldb + jc, ldb, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        if (transA) packATrans(pk, a, offA + pc * lda + ic, lda, mc, kc, alpha);
        else packANormal(pk, a, offA + ic * lda + pc, lda, mc, kc, alpha);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const bPanel = bOff + (jr / NR) * kc * NR;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            micro4x3(kc, pk, (ir / MR) * kc * MR, bPanel, c, offC + (ic + ir) * ldc + jc + jr, ldc, mr, nr, store);
          }
        }
      }
    }
  }
  return c;
}

function roundUp(x: number, q: number): number {
  return Math.ceil(x / q) * q;
}

/**
 * Packs alpha * A(mc x kc) (stored row-major, row stride lda, starting at `src`) into MR-row panels:
 * panel q holds rows q*MR.. as pa[q*kc*MR + p*MR + i]; rows past mc are zero.
 */
function packANormal(pa: Float32Array, a: Float32Array, src: number, lda: number, mc: number, kc: number, alpha: number): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const base = (ir / MR) * kc * MR;
    for (let i = 0; i < MR; i++) {
      if (ir + i < mc) {
        const row = src + (ir + i) * lda;
        for (let p = 0, d = base + i; p < kc; p++, d += MR) pa[d] = alpha * a[row + p]!;
      } else {
        for (let p = 0, d = base + i; p < kc; p++, d += MR) pa[d] = 0;
      }
    }
  }
}

/** As {@link packANormal} for op(A) = A^T: element (i, p) is a[src + p*lda + i]. */
function packATrans(pa: Float32Array, a: Float32Array, src: number, lda: number, mc: number, kc: number, alpha: number): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const base = (ir / MR) * kc * MR;
    const mr = Math.min(MR, mc - ir);
    for (let p = 0; p < kc; p++) {
      const s = src + p * lda + ir;
      const d = base + p * MR;
      let i = 0;
      for (; i < mr; i++) pa[d + i] = alpha * a[s + i]!;
      for (; i < MR; i++) pa[d + i] = 0;
    }
  }
}

/**
 * Packs B(kc x nc) (stored row-major, row stride ldb, starting at `src`) into NR-column panels from
 * `off`: panel q holds columns q*NR.. as pb[off + q*kc*NR + p*NR + j]; columns past nc are zero.
 */
function packBNormal(pb: Float32Array, off: number, b: Float32Array, src: number, ldb: number, kc: number, nc: number): void {
  const full = nc - (nc % NR);
  const panelStride = kc * NR;
  for (let p = 0; p < kc; p++) {
    const s = src + p * ldb;
    let d = off + p * NR;
    for (let j = 0; j < full; j += NR, d += panelStride) {
      const sj = s + j;
      pb[d] = b[sj]!;
      pb[d + 1] = b[sj + 1]!;
      pb[d + 2] = b[sj + 2]!;
    }
    if (full < nc) {
      let j = 0;
      for (; j < nc - full; j++) pb[d + j] = b[s + full + j]!;
      for (; j < NR; j++) pb[d + j] = 0;
    }
  }
}

/** As {@link packBNormal} for op(B) = B^T: element (p, j) is b[src + j*ldb + p]. */
function packBTrans(pb: Float32Array, off: number, b: Float32Array, src: number, ldb: number, kc: number, nc: number): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const base = off + (jr / NR) * kc * NR;
    for (let j = 0; j < NR; j++) {
      if (jr + j < nc) {
        const row = src + (jr + j) * ldb;
        for (let p = 0, d = base + j; p < kc; p++, d += NR) pb[d] = b[row + p]!;
      } else {
        for (let p = 0, d = base + j; p < kc; p++, d += NR) pb[d] = 0;
      }
    }
  }
}

/**
 * C(mr x nr) += Apanel(MR x kc) * Bpanel(kc x NR) (or = when `store`); both panels live in `pk`
 * (A panel from `ai`, B panel from `bi`), the 12 accumulators in locals (float64). 4x3 is the fastest
 * shape measured here (a sweep of 2x4..8x2 and 4x4..6x3 stayed at or below it): V8 has 16 xmm
 * registers and converts each float32 load to a double, so larger tiles spill. Indices advance
 * with `| 0` so V8 emits no overflow checks. A full tile is written to C directly; an edge tile goes
 * through {@link edgeTile}.
 */
function micro4x3(
  kc: number, pk: Float32Array, ai: number, bi: number,
  c: Float32Array, ci: number, ldc: number, mr: number, nr: number, store: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0;
  let c10 = 0, c11 = 0, c12 = 0;
  let c20 = 0, c21 = 0, c22 = 0;
  let c30 = 0, c31 = 0, c32 = 0;
  const aEnd = (ai + kc * MR) | 0;
  while (ai < aEnd) {
    const a0 = pk[ai]!, a1 = pk[(ai + 1) | 0]!, a2 = pk[(ai + 2) | 0]!, a3 = pk[(ai + 3) | 0]!;
    let b = pk[bi]!;
    c00 += a0 * b; c10 += a1 * b; c20 += a2 * b; c30 += a3 * b;
    b = pk[(bi + 1) | 0]!;
    c01 += a0 * b; c11 += a1 * b; c21 += a2 * b; c31 += a3 * b;
    b = pk[(bi + 2) | 0]!;
    c02 += a0 * b; c12 += a1 * b; c22 += a2 * b; c32 += a3 * b;
    ai = (ai + MR) | 0;
    bi = (bi + NR) | 0;
  }
  if (mr === MR && nr === NR) {
    const r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
    if (store) {
      c[ci] = c00; c[ci + 1] = c01; c[ci + 2] = c02;
      c[r1] = c10; c[r1 + 1] = c11; c[r1 + 2] = c12;
      c[r2] = c20; c[r2 + 1] = c21; c[r2 + 2] = c22;
      c[r3] = c30; c[r3 + 1] = c31; c[r3 + 2] = c32;
    } else {
      c[ci] += c00; c[ci + 1] += c01; c[ci + 2] += c02;
      c[r1] += c10; c[r1 + 1] += c11; c[r1 + 2] += c12;
      c[r2] += c20; c[r2 + 1] += c21; c[r2 + 2] += c22;
      c[r3] += c30; c[r3 + 1] += c31; c[r3 + 2] += c32;
    }
    return;
  }
  const t = edgeTile;
  t[0] = c00; t[1] = c01; t[2] = c02;
  t[3] = c10; t[4] = c11; t[5] = c12;
  t[6] = c20; t[7] = c21; t[8] = c22;
  t[9] = c30; t[10] = c31; t[11] = c32;
  for (let i = 0; i < mr; i++) {
    const r = ci + i * ldc;
    if (store) for (let j = 0; j < nr; j++) c[r + j] = t[i * NR + j]!;
    else for (let j = 0; j < nr; j++) c[r + j] += t[i * NR + j]!;
  }
}

/**
 * The m = 1 path: c(1 x n) = alpha * a(1 x k) * op(B) + beta * c. `incA` is the stride between the
 * k elements of the row a (lda when A is transposed). Without transB it streams rows of B (axpy,
 * eight rows per pass over a float64 accumulator of {@link ROW_CHUNK} columns that stays in L1); with
 * transB each c[j] is a dot product of a and row j of B. Sums are float64; C is written once.
 */
function gemvRow(
  c: Float32Array, offC: number, n: number, k: number, alpha: number,
  a: Float32Array, incA: number, offA: number, b: Float32Array, ldb: number, offB: number,
  transB: boolean, beta: number,
): void {
  if (transB) {
    for (let j = 0; j < n; j++) {
      const row = offB + j * ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let p = 0;
      for (let q = offA; p + 4 <= k; p += 4, q += 4 * incA) {
        s0 += a[q]! * b[row + p]!;
        s1 += a[q + incA]! * b[row + p + 1]!;
        s2 += a[q + 2 * incA]! * b[row + p + 2]!;
        s3 += a[q + 3 * incA]! * b[row + p + 3]!;
      }
      for (; p < k; p++) s0 += a[offA + p * incA]! * b[row + p]!;
      const s = alpha * (s0 + s1 + s2 + s3);
      c[offC + j] = beta === 0 ? s : s + beta * c[offC + j]!;
    }
    return;
  }
  const acc = rowAcc;
  for (let j0 = 0; j0 < n; j0 += ROW_CHUNK) {
    const len = Math.min(ROW_CHUNK, n - j0);
    acc.fill(0, 0, len);
    let p = 0;
    for (; p + 8 <= k; p += 8) {
      const q = offA + p * incA;
      const a0 = a[q]!, a1 = a[q + incA]!, a2 = a[q + 2 * incA]!, a3 = a[q + 3 * incA]!;
      const a4 = a[q + 4 * incA]!, a5 = a[q + 5 * incA]!, a6 = a[q + 6 * incA]!, a7 = a[q + 7 * incA]!;
      const r0 = offB + p * ldb + j0, r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
      const r4 = r3 + ldb, r5 = r4 + ldb, r6 = r5 + ldb, r7 = r6 + ldb;
      for (let j = 0; j < len; j++) {
        acc[j] += a0 * b[r0 + j]! + a1 * b[r1 + j]! + a2 * b[r2 + j]! + a3 * b[r3 + j]! +
          a4 * b[r4 + j]! + a5 * b[r5 + j]! + a6 * b[r6 + j]! + a7 * b[r7 + j]!;
      }
    }
    for (; p < k; p++) {
      const ap = a[offA + p * incA]!;
      const r = offB + p * ldb + j0;
      for (let j = 0; j < len; j++) acc[j] += ap * b[r + j]!;
    }
    const cj = offC + j0;
    if (beta === 0) for (let j = 0; j < len; j++) c[cj + j] = alpha * acc[j]!;
    else for (let j = 0; j < len; j++) c[cj + j] = alpha * acc[j]! + beta * c[cj + j]!;
  }
}
