/**
 * The 'wasm-simd' backend against the float64 naive oracles (spec/helpers/naive.ts) and against
 * the 'js' backend. Tolerance for a result that sums K products (float32 accumulation):
 *   |got - ref| <= 1e-5 * sqrt(K) * max|ref|   (max over the whole output, at least 1e-3 * 1e-5).
 */
import { expect } from 'chai';
import { BackendError, ShapeError, ValueError } from '../../lib/errors.js';
import { convInfo, type ConvInfo, type Padding, type PaddingMode } from '../../lib/kernels/conv_info.js';
import type { Backend } from '../../lib/backend/backend.js';
import { createWasmBackend } from '../../lib/backend/wasm.js';
import { createJsBackend } from '../../lib/backend/js.js';
import { naiveConv2d, naiveConv2dBackpropFilter, naiveConv2dBackpropInput, naiveGemm } from '../helpers/naive.js';
import { expectClose, randomFloat32 } from '../helpers/kernel_data.js';

function tolerance(ref: ArrayLike<number>, k: number): () => number {
  let m = 1e-3;
  for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(ref[i]!));
  const t = 1e-5 * Math.sqrt(Math.max(k, 1)) * m;
  return () => t;
}

/** Copies `src` into a buffer from `be.alloc` (so the kernel runs in place). */
function inBackend(be: Backend, src: Float32Array): Float32Array {
  const b = be.alloc(src.length);
  b.set(src);
  return b;
}

describe('wasm-simd backend: gemm', () => {
  let be: Backend;
  let js: Backend;
  before(() => {
    be = createWasmBackend();
    js = createJsBackend();
  });
  after(() => be.dispose());

  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 37, 5], [1, 2500, 17], [37, 1, 5], [5, 9, 1], [4, 8, 3], [7, 13, 300], [64, 100, 81], [130, 70, 513], [3, 600, 17],
  ];
  let seed = 1;
  for (const [m, n, k] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`m=${m} n=${n} k=${k} transA=${transA} transB=${transB}, alpha/beta, padded strides`, () => {
          for (const [alpha, beta] of [[1, 0], [-0.5, 1], [2, 0.25]] as const) {
            const lda = (transA ? m : k) + 3;
            const ldb = (transB ? k : n) + 1;
            const ldc = n + 2;
            const a = randomFloat32((transA ? k : m) * lda, seed++);
            const b = randomFloat32((transB ? n : k) * ldb, seed++);
            const c0 = randomFloat32(m * ldc, seed++);
            const ref = naiveGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);
            const c = c0.slice();
            expect(be.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)).to.equal(c);
            const packed = new Float64Array(m * n);
            for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) packed[i * n + j] = c[i * ldc + j]!;
            expectClose(packed, ref, tolerance(ref, k), 'gemm');
            // Padding columns of C are untouched.
            for (let i = 0; i < m; i++) expect(c[i * ldc + n]).to.equal(c0[i * ldc + n]);
            const cj = c0.slice();
            js.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, cj, ldc);
            expectClose(c, cj, tolerance(ref, k), 'gemm vs js backend');
          }
        });
      }
    }
  }

  it('beta = 0 ignores NaN in C; k = 0 scales C by beta', () => {
    const a = randomFloat32(6, 1);
    const b = randomFloat32(6, 2);
    const c = new Float32Array(4).fill(NaN);
    be.gemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2);
    expect(c.every(Number.isFinite)).to.equal(true);
    const d = Float32Array.from([1, 2, 3, 4]);
    be.gemm(false, false, 2, 2, 0, 1, a, 1, b, 2, 0.5, d, 2);
    expect(Array.from(d)).to.deep.equal([0.5, 1, 1.5, 2]);
  });

  it('gives identical results for alloc() buffers (in place) and plain arrays (copied)', () => {
    const [m, n, k] = [33, 70, 45];
    const a = randomFloat32(m * k, 5);
    const b = randomFloat32(k * n, 6);
    const c1 = new Float32Array(m * n);
    be.gemm(false, false, m, n, k, 1, a, k, b, n, 0, c1, n);
    const c2 = be.alloc(m * n);
    be.gemm(false, false, m, n, k, 1, inBackend(be, a), k, inBackend(be, b), n, 0, c2, n);
    expect(Array.from(c2)).to.deep.equal(Array.from(c1));
  });

  it('throws typed errors on bad arguments', () => {
    const a = new Float32Array(6);
    expect(() => be.gemm(false, false, 2, 3, 3, 1, a, 3, a, 3, 0, a, 3)).to.throw(ShapeError, /B has 6 elements/);
    expect(() => be.gemm(false, false, 2, 2, 3, 1, a, 2, a, 2, 0, a, 2)).to.throw(ValueError, /lda/);
    expect(() => be.gemm(false, false, -1, 2, 3, 1, a, 3, a, 2, 0, a, 2)).to.throw(ValueError, /m must be/);
    expect(() => be.gemm(false, false, 1, 1, 1, NaN, a, 1, a, 1, 0, a, 1)).to.throw(ValueError, /alpha/);
  });
});

interface ConvCase {
  x: [number, number, number, number];
  w: [number, number, number, number];
  padding: Padding;
  mode: PaddingMode;
}

const convCases: ConvCase[] = [
  { x: [1, 1, 10, 12], w: [3, 1, 3, 3], padding: 'same', mode: 'zeros' },
  { x: [2, 3, 9, 11], w: [5, 3, 3, 2], padding: 'same', mode: 'replicate' },
  { x: [2, 1, 33, 33], w: [64, 1, 9, 9], padding: 'valid', mode: 'zeros' },
  { x: [2, 64, 25, 25], w: [32, 64, 1, 1], padding: 'valid', mode: 'zeros' },
  { x: [2, 32, 25, 25], w: [1, 32, 5, 5], padding: 'valid', mode: 'zeros' },
  { x: [3, 4, 8, 8], w: [1, 4, 5, 5], padding: 'same', mode: 'replicate' },
  { x: [1, 2, 20, 23], w: [1, 2, 3, 3], padding: 'same', mode: 'zeros' },
  { x: [1, 5, 7, 9], w: [6, 5, 1, 1], padding: 'valid', mode: 'zeros' },
  { x: [2, 3, 7, 6], w: [4, 3, 1, 1], padding: 'same', mode: 'replicate' },
  { x: [1, 2, 6, 6], w: [9, 2, 4, 4], padding: 'same', mode: 'zeros' },
  { x: [1, 1, 5, 5], w: [2, 1, 5, 5], padding: 'same', mode: 'replicate' },
  { x: [1, 3, 4, 40], w: [7, 3, 2, 5], padding: 'valid', mode: 'zeros' },
  // Several column chunks per image (4900 pixels > 4096) and several k blocks (K = 300 > 256).
  { x: [2, 12, 70, 70], w: [8, 12, 5, 5], padding: 'same', mode: 'replicate' },
  // B read in place (macro_direct): rows of 59 = 7 panels + an edge panel of 3 columns, K = 270
  // (two k blocks); 130 output channels (two macro calls per row, the second an edge of 2 rows).
  { x: [2, 30, 7, 61], w: [8, 30, 3, 3], padding: 'valid', mode: 'zeros' },
  { x: [1, 3, 6, 64], w: [130, 3, 3, 3], padding: 'same', mode: 'zeros' },
  // Padding per chunk (BandPad): single-output-channel chunks of 40 rows (top, middle and bottom
  // bands); and a band too large for the scratch (128 channels x 3 rows x 3002), padded whole.
  { x: [2, 2, 90, 100], w: [1, 2, 5, 5], padding: 'same', mode: 'replicate' },
  { x: [1, 128, 2, 3000], w: [4, 128, 3, 3], padding: 'same', mode: 'zeros' },
];

function label(t: ConvCase): string {
  return `x=[${t.x.join(',')}] w=[${t.w.join(',')}] ${t.padding}/${t.mode}`;
}

describe('wasm-simd backend: conv2d, conv2dPair and the gradients', () => {
  let be: Backend;
  let js: Backend;
  before(() => {
    be = createWasmBackend();
    js = createJsBackend();
  });
  after(() => be.dispose());

  let seed = 100;
  for (const t of convCases) {
    const info: ConvInfo = convInfo(t.x, t.w, t.padding, t.mode);
    const K = t.w[1] * t.w[2] * t.w[3];
    const xLen = t.x.reduce((p, q) => p * q, 1);
    const wLen = t.w.reduce((p, q) => p * q, 1);
    const yLen = info.batch * info.outC * info.outH * info.outW;

    it(`forward ${label(t)}: bias/no bias, relu/none`, () => {
      const x = randomFloat32(xLen, seed++);
      const w = randomFloat32(wLen, seed++);
      const bias = randomFloat32(info.outC, seed++);
      for (const b of [bias, null]) {
        for (const relu of [false, true]) {
          const ref = naiveConv2d(x, w, b, info, relu);
          const y = new Float32Array(yLen).fill(NaN);
          expect(be.conv2d(y, x, w, b, info, relu)).to.equal(y);
          expectClose(y, ref, tolerance(ref, K), `conv2d relu=${relu} bias=${b !== null}`);
          if (relu) expect(y.every((v) => v >= 0)).to.equal(true);
          const yj = new Float32Array(yLen);
          js.conv2d(yj, x, w, b, info, relu);
          expectClose(y, yj, tolerance(ref, K), 'conv2d vs js backend');
        }
      }
    });

    it(`backprop input ${label(t)}`, () => {
      const dy = randomFloat32(yLen, seed++);
      const w = randomFloat32(wLen, seed++);
      const ref = naiveConv2dBackpropInput(dy, w, info);
      const dx = new Float32Array(xLen).fill(NaN);
      expect(be.conv2dBackpropInput(dx, dy, w, info)).to.equal(dx);
      const terms = info.outC * info.kH * info.kW;
      expectClose(dx, ref, tolerance(ref, terms), 'conv2dBackpropInput');
      const dxj = new Float32Array(xLen);
      js.conv2dBackpropInput(dxj, dy, w, info);
      expectClose(dx, dxj, tolerance(ref, terms), 'conv2dBackpropInput vs js backend');
    });

    it(`backprop filter ${label(t)}`, () => {
      const x = randomFloat32(xLen, seed++);
      const dy = randomFloat32(yLen, seed++);
      const ref = naiveConv2dBackpropFilter(x, dy, info);
      const dw = new Float32Array(wLen).fill(NaN);
      const db = new Float32Array(info.outC).fill(NaN);
      expect(be.conv2dBackpropFilter(dw, db, x, dy, info)).to.equal(dw);
      const terms = info.batch * info.outH * info.outW;
      expectClose(dw, ref.dw, tolerance(ref.dw, terms), 'conv2dBackpropFilter dw');
      expectClose(db, ref.db, tolerance(ref.db, terms), 'conv2dBackpropFilter db');
      const dwj = new Float32Array(wLen);
      js.conv2dBackpropFilter(dwj, null, x, dy, info);
      expectClose(dw, dwj, tolerance(ref.dw, terms), 'conv2dBackpropFilter vs js backend');
    });
  }

  it('leaves its inputs untouched and works in place on alloc() buffers', () => {
    const info = convInfo([2, 3, 12, 12], [8, 3, 3, 3], 'same', 'replicate');
    const x = randomFloat32(2 * 3 * 144, 1);
    const w = randomFloat32(8 * 27, 2);
    const b = randomFloat32(8, 3);
    const [x0, w0, b0] = [x.slice(), w.slice(), b.slice()];
    const y1 = new Float32Array(2 * 8 * 144);
    be.conv2d(y1, x, w, b, info, true);
    expect(x).to.deep.equal(x0);
    expect(w).to.deep.equal(w0);
    expect(b).to.deep.equal(b0);
    const y2 = be.alloc(y1.length);
    be.conv2d(y2, inBackend(be, x), inBackend(be, w), inBackend(be, b), info, true);
    expect(Array.from(y2)).to.deep.equal(Array.from(y1));
  });

  it('db may be null; shapes are checked', () => {
    const info = convInfo([1, 2, 6, 6], [3, 2, 3, 3], 'valid');
    const x = randomFloat32(72, 1);
    const dy = randomFloat32(3 * 16, 2);
    const dw = new Float32Array(54);
    be.conv2dBackpropFilter(dw, null, x, dy, info);
    expectClose(dw, naiveConv2dBackpropFilter(x, dy, info).dw, () => 1e-4, 'dw');
    expect(() => be.conv2d(new Float32Array(47), x, new Float32Array(54), null, info, false)).to.throw(ShapeError, /y has 47/);
    expect(() => be.conv2d(new Float32Array(48), x, new Float32Array(50), null, info, false)).to.throw(ShapeError, /w has 50/);
  });

  // ---- conv2dPair -------------------------------------------------------------------------------

  /** first, then a pointwise second layer: [x shape, first w shape, padding, mode, second's outC]. */
  const cases: [[number, number, number, number], [number, number, number, number], Padding, PaddingMode, number][] = [
    // Fused (first layer reads B in place): banded replicate padding, several chunks per image, batch 2.
    [[2, 1, 70, 72], [64, 1, 9, 9], 'same', 'replicate', 32],
    // Fused, unpadded, edge panels (rows of 59), second layer wider than MC (40 rows of A).
    [[1, 3, 60, 63], [16, 3, 5, 5], 'valid', 'zeros', 40],
    // Fused, 300 intermediate channels: the second layer reduces over two k blocks.
    [[1, 2, 9, 64], [300, 2, 3, 3], 'same', 'zeros', 5],
    // Not fused (rows of 20 pack B): two conv2d calls.
    [[2, 1, 20, 20], [8, 1, 3, 3], 'same', 'zeros', 4],
  ];
  for (const [xs, ws, padding, mode, outC2] of cases) {
    it(`conv2dPair x=[${xs.join(',')}] w=[${ws.join(',')}] ${padding}/${mode} then 1x1 -> ${outC2}: two conv2d calls' bits`, () => {
      const a = convInfo(xs, ws, padding, mode);
      const b = convInfo([a.batch, a.outC, a.outH, a.outW], [outC2, a.outC, 1, 1], 'valid');
      const x = randomFloat32(xs.reduce((p, q) => p * q, 1), seed++);
      const w1 = randomFloat32(ws.reduce((p, q) => p * q, 1), seed++);
      const b1 = randomFloat32(a.outC, seed++);
      const w2 = randomFloat32(outC2 * a.outC, seed++);
      const b2 = randomFloat32(outC2, seed++);
      const midLen = a.batch * a.outC * a.outH * a.outW;
      const yLen = b.batch * outC2 * b.outH * b.outW;
      for (const [bias1, bias2, relu2] of [[b1, b2, true], [null, null, false]] as const) {
        const mid = new Float32Array(midLen);
        const want = new Float32Array(yLen);
        be.conv2d(mid, x, w1, bias1, a, true);
        be.conv2d(want, mid, w2, bias2, b, relu2);
        const first = { w: w1, bias: bias1, info: a, relu: true };
        const second = { w: w2, bias: bias2, info: b, relu: relu2 };
        const got = new Float32Array(yLen).fill(NaN);
        expect(be.conv2dPair(got, x, first, second)).to.equal(got);
        expect(Array.from(got)).to.deep.equal(Array.from(want));
        // In place on alloc() buffers, and on the js backend (its own two conv2d calls' bits).
        const y2 = be.alloc(yLen);
        be.conv2dPair(y2, inBackend(be, x), { ...first, w: inBackend(be, w1) }, { ...second, w: inBackend(be, w2) });
        expect(Array.from(y2)).to.deep.equal(Array.from(want));
        const midJ = new Float32Array(midLen);
        const wantJ = new Float32Array(yLen);
        js.conv2d(midJ, x, w1, bias1, a, true);
        js.conv2d(wantJ, midJ, w2, bias2, b, relu2);
        const gotJ = js.conv2dPair(new Float32Array(yLen), x, first, second);
        expect(Array.from(gotJ)).to.deep.equal(Array.from(wantJ));
      }
    });
  }

  it('conv2dPair rejects a second layer that is not pointwise or does not read the first one\'s output', () => {
    const a = convInfo([1, 1, 8, 8], [4, 1, 3, 3], 'same', 'zeros');
    const first = { w: new Float32Array(36), bias: null, info: a, relu: true };
    const notPointwise = convInfo([1, 4, 8, 8], [2, 4, 3, 3], 'same', 'zeros');
    const wrongIn = convInfo([1, 5, 8, 8], [2, 5, 1, 1], 'valid');
    for (const backend of [be, js]) {
      expect(() => backend.conv2dPair(new Float32Array(128), new Float32Array(64), first,
        { w: new Float32Array(72), bias: null, info: notPointwise, relu: false })).to.throw(ShapeError, /1x1 without padding/);
      expect(() => backend.conv2dPair(new Float32Array(128), new Float32Array(64), first,
        { w: new Float32Array(10), bias: null, info: wrongIn, relu: false })).to.throw(ShapeError, /reads \[1, 5, 8, 8\]/);
    }
    const b = convInfo([1, 4, 8, 8], [2, 4, 1, 1], 'valid');
    expect(() => be.conv2dPair(new Float32Array(128), new Float32Array(64), first, { w: new Float32Array(7), bias: null, info: b, relu: false }))
      .to.throw(ShapeError, /second w has 7/);
  });
});

describe('wasm-simd backend: reluBackward', () => {
  let be: Backend;
  const js = createJsBackend();
  before(() => {
    be = createWasmBackend();
  });
  after(() => be.dispose());

  /** y with zeros, -0, NaN and infinities mixed into random values; dy random. */
  function data(n: number): { y: Float32Array; dy: Float32Array } {
    const y = randomFloat32(n, n + 1);
    const special = [0, -0, NaN, Infinity, -Infinity];
    for (let i = 0; i < n; i += 7) y[i] = special[(i / 7) % special.length]!;
    return { y, dy: randomFloat32(n, n + 2) };
  }

  function sameBits(got: Float32Array, want: Float32Array, what: string): void {
    for (let i = 0; i < want.length; i++) {
      if (!Object.is(got[i], want[i])) expect.fail(`${what}: element ${i} is ${got[i]}, the js backend gives ${want[i]}`);
    }
  }

  for (const n of [1, 3, 4, 5, 17, 1000, 100003]) {
    it(`length ${n}: the js backend's bits, on plain arrays and in place on alloc() buffers (dx = dy)`, () => {
      const { y, dy } = data(n);
      const want = js.reluBackward(new Float32Array(n), dy, y, n);
      sameBits(be.reluBackward(new Float32Array(n).fill(7), dy, y, n), want, 'plain arrays');
      const g = inBackend(be, dy);
      expect(be.reluBackward(g, g, inBackend(be, y), n)).to.equal(g);
      sameBits(g, want, 'in place');
    });
  }

  it('honours length (leaves dx beyond it alone); length 0 does nothing; bad arguments throw', () => {
    const { y, dy } = data(9);
    const dx = new Float32Array(9).fill(5);
    be.reluBackward(dx, dy, y, 6);
    sameBits(dx.subarray(0, 6), js.reluBackward(new Float32Array(6), dy, y, 6), 'first 6');
    expect(Array.from(dx.subarray(6))).to.deep.equal([5, 5, 5]);
    expect(be.reluBackward(dx, dy, y, 0)).to.equal(dx);
    expect(() => be.reluBackward(new Float32Array(9), dy, new Float32Array(8), 9)).to.throw(ShapeError, /reluBackward: y has 8 elements/);
    expect(() => be.reluBackward(dx, dy, y, -1)).to.throw(ValueError, /length must be an integer >= 0/);
  });
});

describe('wasm-simd backend: lifecycle', () => {
  it('alloc gives zeroed views into wasm memory; free returns them; dispose ends use', () => {
    const be = createWasmBackend();
    expect(be.name).to.equal('wasm-simd');
    expect(be.threads).to.equal(1);
    const a = be.alloc(1000);
    expect(a.length).to.equal(1000);
    expect(a.every((v) => v === 0)).to.equal(true);
    a.fill(3);
    be.free(a);
    const b = be.alloc(1000);
    expect(b.every((v) => v === 0)).to.equal(true);
    expect(() => be.free(b.subarray(1))).to.throw(BackendError);
    be.free(new Float32Array(3));
    be.dispose();
    expect(() => be.alloc(1)).to.throw(BackendError, /disposed/);
  });

  it('releaseScratch() frees the pooled scratch (the heap keeps only alloc() blocks) and the next call gives the same bits', () => {
    const be = createWasmBackend();
    const heap = (be as unknown as { heap: { liveBytes: number } }).heap;
    const info = convInfo([1, 8, 40, 33], [16, 8, 5, 5], 'same', 'replicate');
    const x = be.alloc(8 * 40 * 33);
    x.set(randomFloat32(x.length, 5));
    const w = be.alloc(16 * 8 * 25);
    w.set(randomFloat32(w.length, 6));
    const y1 = be.conv2d(be.alloc(16 * 40 * 33), x, w, null, info, true);
    const userBytes = 4 * (x.length + w.length + y1.length);
    expect(heap.liveBytes).to.be.greaterThan(userBytes + 4 * 8 * 44 * 37); // + the padded input and packing scratch
    be.releaseScratch();
    const scratchAtStart = 4 * (256 * 4096 + 4 * 8); // the packing panel and edge tile every backend keeps
    expect(heap.liveBytes).to.be.at.most(userBytes + scratchAtStart + 3 * 64);
    const y2 = be.conv2d(be.alloc(16 * 40 * 33), x, w, null, info, true);
    expect(Array.from(y2)).to.deep.equal(Array.from(y1));
    be.dispose();
    expect(() => be.releaseScratch()).to.throw(BackendError, /disposed/);
  });

  it("a private (non-shared) memory gives the same results; alloc then returns plain arrays", () => {
    const shared = createWasmBackend();
    const priv = createWasmBackend({ memory: 'private' });
    const info = convInfo([2, 3, 30, 30], [8, 3, 5, 5], 'same', 'replicate');
    const x = randomFloat32(2 * 3 * 900, 1);
    const w = randomFloat32(8 * 75, 2);
    const y1 = shared.conv2d(new Float32Array(2 * 8 * 900), x, w, null, info, true);
    expect(priv.alloc(4).buffer).to.not.be.instanceOf(SharedArrayBuffer);
    // 3 x 1200^2 floats of copies (17 MB) grow the private memory past its initial 16 MB.
    const n = 1200;
    const a = randomFloat32(n * n, 3);
    const c1 = shared.gemm(false, true, n, n, n, 1, a, n, a, n, 0, new Float32Array(n * n), n);
    const c2 = priv.gemm(false, true, n, n, n, 1, a, n, a, n, 0, new Float32Array(n * n), n);
    expect(c2.every((v, i) => v === c1[i])).to.equal(true);
    const y2 = priv.conv2d(priv.alloc(2 * 8 * 900), x, w, null, info, true);
    expect(Array.from(y2)).to.deep.equal(Array.from(y1));
    expect(() => createWasmBackend({ memory: 'private', threads: 2 })).to.throw(BackendError, /shared/);
    shared.dispose();
    priv.dispose();
  });

  it('threads > 1 without a worker spawner is a BackendError naming the fix', () => {
    expect(() => createWasmBackend({ threads: 2 })).to.throw(BackendError, /spawnWorker/);
    expect(() => createWasmBackend({ threads: 0 })).to.throw(ValueError);
  });
});
