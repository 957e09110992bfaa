import { expect } from 'chai';
import fc from 'fast-check';
import { gemm } from '../../lib/kernels/gemm.js';
import { ShapeError } from '../../lib/errors.js';
import { naiveGemm } from '../helpers/naive.js';
import { expectClose, randomFloat32 } from '../helpers/kernel_data.js';

interface Case {
  m: number; n: number; k: number;
  transA: boolean; transB: boolean;
  alpha: number; beta: number;
  padA: number; padB: number; padC: number;
  offA: number; offB: number; offC: number;
  seed: number;
}

/**
 * Runs gemm on one case and checks it against the float64 ijk reference.
 * Tolerance: |c - ref| <= 1e-5 * sqrt(k) * (|alpha| * sum_p |a_ip b_pj| + |beta c_ij|), i.e. a
 * float32-level relative error on the magnitude of the sum. Also checks that A, B and every element
 * of C outside the m x n block are untouched and that gemm returns C.
 */
function check(t: Case): void {
  const { m, n, k, transA, transB, alpha, beta } = t;
  const lda = (transA ? m : k) + t.padA || 1;
  const ldb = (transB ? k : n) + t.padB || 1;
  const ldc = n + t.padC;
  const aLen = t.offA + (transA ? k : m) * lda;
  const bLen = t.offB + (transB ? n : k) * ldb;
  const a = randomFloat32(aLen, t.seed);
  const b = randomFloat32(bLen, t.seed + 1);
  const c = randomFloat32(t.offC + m * ldc + 3, t.seed + 2);
  const a0 = a.slice(), b0 = b.slice(), c0 = c.slice();
  const sub = (buf: Float32Array, off: number): Float32Array => buf.subarray(off);
  const ref = naiveGemm(transA, transB, m, n, k, alpha, sub(a, t.offA), lda, sub(b, t.offB), ldb, beta, sub(c0, t.offC), ldc);
  const absA = sub(a, t.offA).map(Math.abs);
  const absB = sub(b, t.offB).map(Math.abs);
  const mag = naiveGemm(transA, transB, m, n, k, Math.abs(alpha), absA, lda, absB, ldb, 0, null, ldc);
  const out = gemm(c, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, ldc, t.offA, t.offB, t.offC);
  expect(out).to.equal(c);
  const got = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) got[i * n + j] = c[t.offC + i * ldc + j]!;
  const rel = 1e-5 * Math.sqrt(Math.max(k, 1));
  expectClose(got, ref, (e) => rel * (mag[e]! + Math.abs(beta * c0[t.offC + Math.floor(e / n) * ldc + (e % n)]!)) + 1e-30,
    `gemm ${JSON.stringify(t)}`);
  for (let p = 0; p < c.length; p++) {
    const q = p - t.offC;
    const inside = q >= 0 && Math.floor(q / ldc) < m && q % ldc < n;
    if (!inside && !Object.is(c[p], c0[p])) expect.fail(`gemm wrote C[${p}] outside the m x n block (${JSON.stringify(t)})`);
  }
  expect(a).to.deep.equal(a0);
  expect(b).to.deep.equal(b0);
}

const dim = (max: number): fc.Arbitrary<number> =>
  fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 10, max }));

const caseArb: fc.Arbitrary<Case> = fc.record({
  m: dim(70), n: dim(70), k: fc.oneof(dim(300), fc.constant(0)),
  transA: fc.boolean(), transB: fc.boolean(),
  alpha: fc.constantFrom(1, -0.5, 2.25, 0),
  beta: fc.constantFrom(0, 1, -0.75),
  padA: fc.integer({ min: 0, max: 3 }), padB: fc.integer({ min: 0, max: 3 }), padC: fc.integer({ min: 0, max: 3 }),
  offA: fc.integer({ min: 0, max: 5 }), offB: fc.integer({ min: 0, max: 5 }), offC: fc.integer({ min: 0, max: 5 }),
  seed: fc.integer({ min: 0, max: 2 ** 30 }),
});

const base: Case = {
  m: 1, n: 1, k: 1, transA: false, transB: false, alpha: 1, beta: 0,
  padA: 0, padB: 0, padC: 0, offA: 0, offB: 0, offC: 0, seed: 7,
};

describe('gemm vs naive float64 reference', () => {
  it('matches on random shapes, transposes, alpha/beta, leading dimensions and offsets (fast-check)', () => {
    fc.assert(fc.property(caseArb, (t) => check(t)), { numRuns: 150 });
  });

  for (const [name, over] of [
    ['1x1x1', {}],
    ['M = 1 (row vector, streaming path)', { m: 1, n: 37, k: 29 }],
    ['M = 1 with transA and transB', { m: 1, n: 19, k: 33, transA: true, transB: true, beta: 1 }],
    ['N = 1', { m: 23, n: 1, k: 17, transB: true }],
    ['K = 1 (outer product)', { m: 13, n: 11, k: 1 }],
    ['K = 0 scales C by beta', { m: 5, n: 6, k: 0, beta: -0.75 }],
    ['m crosses the MC block (130 rows)', { m: 130, n: 7, k: 5, transA: true }],
    ['k crosses two KC blocks (k = 513)', { m: 6, n: 5, k: 513, beta: 1 }],
    ['n crosses the NC block (n = 4100)', { m: 5, n: 4100, k: 3, padC: 1 }],
    ['odd sizes with every transpose and ld padding', { m: 7, n: 11, k: 13, transA: true, transB: true, padA: 2, padB: 1, padC: 3, alpha: -0.5, beta: -0.75 }],
  ] as [string, Partial<Case>][]) {
    it(name, () => check({ ...base, ...over }));
  }

  it('beta = 0 ignores NaN and Infinity already in C (packed and M = 1 paths)', () => {
    for (const m of [1, 9]) {
      const n = 10, k = 4;
      const a = randomFloat32(m * k, 1), b = randomFloat32(k * n, 2);
      const c = new Float32Array(m * n).fill(NaN);
      c[3] = Infinity;
      gemm(c, false, false, m, n, k, 1, a, k, b, n, 0, n);
      const ref = naiveGemm(false, false, m, n, k, 1, a, k, b, n, 0, null, n);
      expectClose(c, ref, () => 1e-5, `m=${m}`);
    }
  });

  it('rejects a too-small leading dimension or buffer with ShapeError naming the operand', () => {
    const a = new Float32Array(12), b = new Float32Array(12), c = new Float32Array(9);
    expect(() => gemm(c, false, false, 3, 3, 4, 1, a, 3, b, 3, 0, 3)).to.throw(ShapeError, /lda = 3.*A/);
    expect(() => gemm(c, false, false, 3, 3, 5, 1, a, 5, b, 3, 0, 3)).to.throw(ShapeError, /A \(m x k = 3 x 5.*needs 15.*has 12/);
    expect(() => gemm(c, false, true, 3, 4, 4, 1, a, 4, b, 4, 0, 4)).to.throw(ShapeError, /B \(n x k = 4 x 4, transposed.*needs 16/);
    expect(() => gemm(c, false, false, 3, 4, 3, 1, a, 3, b, 4, 0, 4)).to.throw(ShapeError, /C \(m x n = 3 x 4.*needs 12.*has 9/);
    expect(() => gemm(c, false, false, -1, 3, 3, 1, a, 3, b, 3, 0, 3)).to.throw(ShapeError, /m must be a non-negative integer/);
  });
});
