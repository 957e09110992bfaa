import { expect } from 'chai';
import fc from 'fast-check';
import { convInfo, type ConvInfo, type Padding, type PaddingMode } from '../../lib/kernels/conv_info.js';
import { conv2d } from '../../lib/kernels/conv2d.js';
import { conv2dDirect } from '../../lib/kernels/conv2d_direct.js';
import { conv2dBackpropInput } from '../../lib/kernels/conv2d_backprop_input.js';
import { conv2dBackpropFilter } from '../../lib/kernels/conv2d_backprop_filter.js';
import { im2col } from '../../lib/kernels/im2col.js';
import { col2im } from '../../lib/kernels/col2im.js';
import { naiveConv2d, naiveConv2dBackpropFilter, naiveConv2dBackpropInput } from '../helpers/naive.js';
import { abs, expectClose, randomFloat32 } from '../helpers/kernel_data.js';

interface ConvCase {
  batch: number; inC: number; outC: number; kH: number; kW: number; inH: number; inW: number;
  padding: Padding; mode: PaddingMode; relu: boolean; bias: boolean; seed: number;
}

const convCase: fc.Arbitrary<ConvCase> = fc
  .record({
    batch: fc.integer({ min: 1, max: 2 }), inC: fc.integer({ min: 1, max: 3 }), outC: fc.integer({ min: 1, max: 5 }),
    kH: fc.integer({ min: 1, max: 5 }), kW: fc.integer({ min: 1, max: 11 }),
    inH: fc.integer({ min: 1, max: 10 }), inW: fc.integer({ min: 1, max: 16 }),
    padding: fc.constantFrom<Padding>('valid', 'same'), mode: fc.constantFrom<PaddingMode>('zeros', 'replicate'),
    relu: fc.boolean(), bias: fc.boolean(), seed: fc.integer({ min: 0, max: 2 ** 30 }),
  })
  .filter((t) => t.padding === 'same' || (t.kH <= t.inH && t.kW <= t.inW));

function setup(t: ConvCase): { info: ConvInfo; x: Float32Array; w: Float32Array; b: Float32Array | null; K: number } {
  const info = convInfo([t.batch, t.inC, t.inH, t.inW], [t.outC, t.inC, t.kH, t.kW], t.padding, t.mode);
  const x = randomFloat32(t.batch * t.inC * t.inH * t.inW, t.seed);
  const w = randomFloat32(t.outC * t.inC * t.kH * t.kW, t.seed + 1);
  const b = t.bias ? randomFloat32(t.outC, t.seed + 2) : null;
  return { info, x, w, b, K: t.inC * t.kH * t.kW };
}

/**
 * Tolerances: float32-level relative error on the magnitude of each sum,
 * |got - ref| <= 1e-5 * sqrt(terms) * (sum of |terms|), with the magnitude from the naive reference
 * run on absolute values.
 */
describe('conv2d kernels vs naive float64 references (fast-check)', () => {
  it('forward: batch, rectangular kernels, valid/same, zeros/replicate, bias, ReLU', () => {
    fc.assert(
      fc.property(convCase, (t) => {
        const { info, x, w, b, K } = setup(t);
        const y = new Float32Array(t.batch * t.outC * info.outH * info.outW).fill(NaN);
        conv2d(y, x, w, b, info, t.relu);
        const ref = naiveConv2d(x, w, b, info, t.relu);
        const mag = naiveConv2d(abs(x), abs(w), b ? abs(b) : null, info, false);
        expectClose(y, ref, (i) => 1e-5 * Math.sqrt(K) * mag[i]! + 1e-30, `conv2d ${JSON.stringify(t)}`);
      }),
      { numRuns: 150 },
    );
  });

  it('forward, direct kernel (used for outC < 4) on any shape', () => {
    fc.assert(
      fc.property(convCase, (t) => {
        const { info, x, w, b, K } = setup(t);
        const y = new Float32Array(t.batch * t.outC * info.outH * info.outW).fill(NaN);
        expect(conv2dDirect(y, x, w, b, info, t.relu)).to.equal(y);
        const ref = naiveConv2d(x, w, b, info, t.relu);
        const mag = naiveConv2d(abs(x), abs(w), b ? abs(b) : null, info, false);
        expectClose(y, ref, (i) => 1e-5 * Math.sqrt(K) * mag[i]! + 1e-30, `conv2dDirect ${JSON.stringify(t)}`);
      }),
      { numRuns: 150 },
    );
  });

  it('backprop input: dx matches the definition (replicate borders fold into edge pixels)', () => {
    fc.assert(
      fc.property(convCase, (t) => {
        const { info, w } = setup(t);
        const dy = randomFloat32(t.batch * t.outC * info.outH * info.outW, t.seed + 3);
        const dx = new Float32Array(t.batch * t.inC * t.inH * t.inW).fill(NaN);
        conv2dBackpropInput(dx, dy, w, info);
        const ref = naiveConv2dBackpropInput(dy, w, info);
        const mag = naiveConv2dBackpropInput(abs(dy), abs(w), info);
        const terms = t.outC * t.kH * t.kW;
        expectClose(dx, ref, (i) => 1e-5 * Math.sqrt(terms) * mag[i]! + 1e-30, `dx ${JSON.stringify(t)}`);
      }),
      { numRuns: 150 },
    );
  });

  it('backprop filter: dw and db match the definition', () => {
    fc.assert(
      fc.property(convCase, (t) => {
        const { info, x } = setup(t);
        const dy = randomFloat32(t.batch * t.outC * info.outH * info.outW, t.seed + 3);
        const dw = new Float32Array(t.outC * t.inC * t.kH * t.kW).fill(NaN);
        const db = t.bias ? new Float32Array(t.outC).fill(NaN) : null;
        conv2dBackpropFilter(dw, db, x, dy, info);
        const ref = naiveConv2dBackpropFilter(x, dy, info);
        const mag = naiveConv2dBackpropFilter(abs(x), abs(dy), info);
        const terms = t.batch * info.outH * info.outW;
        expectClose(dw, ref.dw, (i) => 1e-5 * Math.sqrt(terms) * mag.dw[i]! + 1e-30, `dw ${JSON.stringify(t)}`);
        if (db) expectClose(db, ref.db, (i) => 1e-6 * mag.db[i]! + 1e-30, `db ${JSON.stringify(t)}`);
      }),
      { numRuns: 150 },
    );
  });

  it('im2col of a row band holds exactly the padded input values', () => {
    fc.assert(
      fc.property(convCase, fc.nat(), fc.nat(), (t, u, v) => {
        const { info, x } = setup(t);
        const y0 = u % info.outH;
        const y1 = y0 + 1 + (v % (info.outH - y0));
        const n = t.batch - 1;
        const nb = (y1 - y0) * info.outW;
        const cols = im2col(new Float32Array(t.inC * t.kH * t.kW * nb).fill(NaN), x, info, n, y0, y1);
        const rep = t.mode === 'replicate';
        const at = (c: number, yy: number, xx: number): number => {
          if (!rep && (yy < 0 || yy >= t.inH || xx < 0 || xx >= t.inW)) return 0;
          const cy = Math.min(t.inH - 1, Math.max(0, yy));
          const cx = Math.min(t.inW - 1, Math.max(0, xx));
          return x[((n * t.inC + c) * t.inH + cy) * t.inW + cx]!;
        };
        for (let c = 0; c < t.inC; c++) for (let r = 0; r < t.kH; r++) for (let s = 0; s < t.kW; s++) {
          for (let i = y0; i < y1; i++) for (let j = 0; j < info.outW; j++) {
            const got = cols[((c * t.kH + r) * t.kW + s) * nb + (i - y0) * info.outW + j];
            const want = at(c, i + r - info.padT, j + s - info.padL);
            if (got !== want) expect.fail(`im2col (c ${c}, r ${r}, s ${s}, i ${i}, j ${j}) = ${got}, want ${want}: ${JSON.stringify(t)}`);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('col2im is the adjoint of im2col: <col2im(C), X> = <C, im2col(X)>', () => {
    fc.assert(
      fc.property(convCase, (t) => {
        const { info, x } = setup(t);
        const nb = info.outH * info.outW;
        const K = t.inC * t.kH * t.kW;
        const C = randomFloat32(K * nb, t.seed + 5);
        const n = t.batch - 1;
        const cols = im2col(new Float32Array(K * nb), x, info, n);
        const dx = col2im(new Float32Array(x.length), C, info, n);
        let lhs = 0, rhs = 0, mag = 0;
        for (let i = 0; i < x.length; i++) lhs += dx[i]! * x[i]!;
        for (let i = 0; i < C.length; i++) {
          rhs += C[i]! * cols[i]!;
          mag += Math.abs(C[i]! * cols[i]!);
        }
        expect(Math.abs(lhs - rhs)).to.be.at.most(1e-5 * mag + 1e-30, JSON.stringify(t));
      }),
      { numRuns: 100 },
    );
  });
});
