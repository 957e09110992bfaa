/**
 * Properties of the 'wasm-simd' backend on random shapes (fast-check): every kernel matches the
 * float64 naive reference, and 2 threads give bit-identical results to 1 thread.
 * Tolerance per element: |got - ref| <= 1e-5 * sqrt(terms) * magnitude, where magnitude is the
 * reference evaluated on absolute values (the sum of |terms|) — a float32-level relative error.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { convInfo, type Padding, type PaddingMode } from '../../lib/kernels/conv_info.js';
import type { Backend } from '../../lib/backend/backend.js';
import { createWasmBackend } from '../../lib/backend/wasm.js';
import { createNodeBackend } from '../../lib/node/wasm_workers.js';
import { naiveConv2d, naiveConv2dBackpropFilter, naiveConv2dBackpropInput, naiveGemm } from '../helpers/naive.js';
import { abs, expectClose, randomFloat32 } from '../helpers/kernel_data.js';

function identical(a: Float32Array, b: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return a.length === b.length;
}

describe('wasm-simd kernels vs naive float64 references (fast-check)', () => {
  let one: Backend;
  let two: Backend;
  before(() => {
    one = createWasmBackend();
    two = createNodeBackend({ backend: 'wasm-simd', threads: 2 });
  });
  after(() => {
    one.dispose();
    two.dispose();
  });

  it('gemm: any shape (edges of the 4x8 tile and the 256-deep k blocks), transposes, alpha, beta', () => {
    fc.assert(
      fc.property(
        fc.record({
          m: fc.integer({ min: 1, max: 19 }), n: fc.integer({ min: 1, max: 40 }), k: fc.integer({ min: 1, max: 600 }),
          transA: fc.boolean(), transB: fc.boolean(), alpha: fc.constantFrom(1, -0.5, 2), beta: fc.constantFrom(0, 1, 0.5),
          seed: fc.integer({ min: 0, max: 2 ** 30 }),
        }),
        (t) => {
          const { m, n, k, transA, transB, alpha, beta } = t;
          const lda = transA ? m : k;
          const ldb = transB ? k : n;
          const a = randomFloat32(m * k, t.seed);
          const b = randomFloat32(k * n, t.seed + 1);
          const c0 = randomFloat32(m * n, t.seed + 2);
          const ref = naiveGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c0, n);
          const mag = naiveGemm(transA, transB, m, n, k, Math.abs(alpha), abs(a), lda, abs(b), ldb, Math.abs(beta), abs(c0), n);
          const c1 = one.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c0.slice(), n);
          expectClose(c1, ref, (i) => 1e-5 * Math.sqrt(k) * mag[i]! + 1e-30, `gemm ${JSON.stringify(t)}`);
          const c2 = two.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c0.slice(), n);
          expect(identical(c2, c1), '2 threads = 1 thread').to.equal(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('conv2d forward and both gradients: batch, rectangular kernels, valid/same, zeros/replicate, bias, ReLU', () => {
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.integer({ min: 1, max: 3 }), inC: fc.integer({ min: 1, max: 4 }), outC: fc.integer({ min: 1, max: 9 }),
          kH: fc.integer({ min: 1, max: 5 }), kW: fc.integer({ min: 1, max: 5 }),
          inH: fc.integer({ min: 1, max: 12 }), inW: fc.integer({ min: 1, max: 12 }),
          padding: fc.constantFrom<Padding>('valid', 'same'), mode: fc.constantFrom<PaddingMode>('zeros', 'replicate'),
          relu: fc.boolean(), bias: fc.boolean(), seed: fc.integer({ min: 0, max: 2 ** 30 }),
        }).filter((t) => t.padding === 'same' || (t.kH <= t.inH && t.kW <= t.inW)),
        (t) => {
          const info = convInfo([t.batch, t.inC, t.inH, t.inW], [t.outC, t.inC, t.kH, t.kW], t.padding, t.mode);
          const x = randomFloat32(t.batch * t.inC * t.inH * t.inW, t.seed);
          const w = randomFloat32(t.outC * t.inC * t.kH * t.kW, t.seed + 1);
          const b = t.bias ? randomFloat32(t.outC, t.seed + 2) : null;
          const yLen = t.batch * t.outC * info.outH * info.outW;
          const dy = randomFloat32(yLen, t.seed + 3);
          const what = JSON.stringify(t);

          const K = t.inC * t.kH * t.kW;
          const y = one.conv2d(new Float32Array(yLen).fill(NaN), x, w, b, info, t.relu);
          const yMag = naiveConv2d(abs(x), abs(w), b ? abs(b) : null, info, false);
          expectClose(y, naiveConv2d(x, w, b, info, t.relu), (i) => 1e-5 * Math.sqrt(K) * yMag[i]! + 1e-30, `conv2d ${what}`);

          const dx = one.conv2dBackpropInput(new Float32Array(x.length).fill(NaN), dy, w, info);
          const dxMag = naiveConv2dBackpropInput(abs(dy), abs(w), info);
          const dxTerms = t.outC * t.kH * t.kW * (t.mode === 'replicate' ? Math.max(t.kH, t.kW) ** 2 : 1);
          expectClose(dx, naiveConv2dBackpropInput(dy, w, info), (i) => 1e-5 * Math.sqrt(dxTerms) * dxMag[i]! + 1e-30, `dx ${what}`);

          const db = new Float32Array(t.outC).fill(NaN);
          const dw = one.conv2dBackpropFilter(new Float32Array(w.length).fill(NaN), db, x, dy, info);
          const ref = naiveConv2dBackpropFilter(x, dy, info);
          const mag = naiveConv2dBackpropFilter(abs(x), abs(dy), info);
          const terms = t.batch * info.outH * info.outW;
          expectClose(dw, ref.dw, (i) => 1e-5 * Math.sqrt(terms) * mag.dw[i]! + 1e-30, `dw ${what}`);
          expectClose(db, ref.db, (i) => 1e-5 * Math.sqrt(terms) * mag.db[i]! + 1e-30, `db ${what}`);

          const y2 = two.conv2d(new Float32Array(yLen), x, w, b, info, t.relu);
          const dx2 = two.conv2dBackpropInput(new Float32Array(x.length), dy, w, info);
          const dw2 = two.conv2dBackpropFilter(new Float32Array(w.length), null, x, dy, info);
          expect(identical(y2, y) && identical(dx2, dx) && identical(dw2, dw), '2 threads = 1 thread').to.equal(true);
        },
      ),
      { numRuns: 80 },
    );
  });
});
