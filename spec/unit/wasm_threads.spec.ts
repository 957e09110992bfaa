/**
 * 'wasm-simd' on 2 threads (Node worker_threads sharing the memory) must give bit-identical results
 * to 1 thread: every chunk computes whole output columns with the full reduction in a fixed order.
 */
import { expect } from 'chai';
import { convInfo } from '../../lib/kernels/conv_info.js';
import type { Backend } from '../../lib/backend/backend.js';
import { createNodeBackend, spawnNodeWasmWorker } from '../../lib/node/wasm_workers.js';
import { createWasmBackend } from '../../lib/backend/wasm.js';
import { randomFloat32 } from '../helpers/kernel_data.js';

function same(a: Float32Array, b: Float32Array, what: string): void {
  expect(a.length, what).to.equal(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) expect.fail(`${what}: element ${i} is ${a[i]} on 2 threads, ${b[i]} on 1`);
  }
}

describe('wasm-simd backend: 2 threads', () => {
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

  it('reports its thread count', () => {
    expect(two.threads).to.equal(2);
  });

  for (const [m, n, k] of [[1, 5, 3], [1, 5000, 30], [37, 1000, 70], [64, 4096, 81], [130, 300, 600]] as const) {
    it(`gemm ${m}x${n}x${k} (both transposes) is identical to 1 thread`, () => {
      for (const [tA, tB] of [[false, false], [true, true]] as const) {
        const a = randomFloat32(m * k, m + n);
        const b = randomFloat32(k * n, k);
        const c1 = randomFloat32(m * n, 3);
        const c2 = c1.slice();
        one.gemm(tA, tB, m, n, k, 0.5, a, tA ? m : k, b, tB ? k : n, 1, c1, n);
        two.gemm(tA, tB, m, n, k, 0.5, a, tA ? m : k, b, tB ? k : n, 1, c2, n);
        same(c2, c1, `gemm transA=${tA}`);
      }
    });
  }

  const convs: [number[], number[], 'valid' | 'same', 'zeros' | 'replicate'][] = [
    [[4, 1, 33, 33], [64, 1, 9, 9], 'valid', 'zeros'],
    [[4, 64, 25, 25], [32, 64, 1, 1], 'valid', 'zeros'],
    [[4, 32, 25, 25], [1, 32, 5, 5], 'valid', 'zeros'],
    [[1, 3, 40, 50], [8, 3, 5, 5], 'same', 'replicate'],
    [[2, 12, 70, 70], [8, 12, 5, 5], 'same', 'replicate'],
    [[2, 2, 90, 100], [1, 2, 5, 5], 'same', 'replicate'],
    // dY of the filter gradient is 64 x 23104: large enough that all threads pack it.
    [[16, 8, 40, 40], [64, 8, 3, 3], 'valid', 'zeros'],
  ];
  for (const [xs, ws, pad, mode] of convs) {
    it(`conv2d, backprop input and filter x=[${xs.join(',')}] w=[${ws.join(',')}] ${pad}/${mode} are identical to 1 thread`, () => {
      const info = convInfo(xs, ws, pad, mode);
      const xLen = xs.reduce((p, q) => p * q, 1);
      const wLen = ws.reduce((p, q) => p * q, 1);
      const yLen = info.batch * info.outC * info.outH * info.outW;
      const x = randomFloat32(xLen, 1);
      const w = randomFloat32(wLen, 2);
      const bias = randomFloat32(info.outC, 3);
      const dy = randomFloat32(yLen, 4);
      const run = (be: Backend): Float32Array[] => {
        const y = be.conv2d(new Float32Array(yLen), x, w, bias, info, true);
        const dx = be.conv2dBackpropInput(new Float32Array(xLen), dy, w, info);
        const db = new Float32Array(info.outC);
        const dw = be.conv2dBackpropFilter(new Float32Array(wLen), db, x, dy, info);
        return [y, dx, dw, db];
      };
      const r1 = run(one);
      const r2 = run(two);
      ['y', 'dx', 'dw', 'db'].forEach((name, i) => same(r2[i]!, r1[i]!, name));
    });
  }

  it('conv2dPair (9x9 replicate then 1x1, several chunks per image) is identical to 1 thread', () => {
    const a = convInfo([2, 1, 70, 72], [64, 1, 9, 9], 'same', 'replicate');
    const b = convInfo([2, 64, 70, 72], [32, 64, 1, 1], 'valid');
    const x = randomFloat32(2 * 70 * 72, 11);
    const first = { w: randomFloat32(64 * 81, 12), bias: randomFloat32(64, 13), info: a, relu: true };
    const second = { w: randomFloat32(32 * 64, 14), bias: randomFloat32(32, 15), info: b, relu: true };
    const n = 2 * 32 * 70 * 72;
    same(two.conv2dPair(new Float32Array(n), x, first, second), one.conv2dPair(new Float32Array(n), x, first, second), 'y');
  });

  it('reluBackward over 300001 floats (in place, many chunks) is identical to 1 thread', () => {
    const n = 300001;
    const y = randomFloat32(n, 11);
    const dy = randomFloat32(n, 12);
    const g1 = dy.slice();
    const g2 = two.alloc(n);
    g2.set(dy);
    one.reluBackward(g1, g1, y, n);
    two.reluBackward(g2, g2, y, n);
    same(g2, g1, 'reluBackward');
    expect(g1.some((v, i) => v !== 0 && v === dy[i])).to.equal(true);
  });

  it('a pool keeps working across many small calls and a second pool can coexist', () => {
    const three = createWasmBackend({ threads: 3, spawnWorker: spawnNodeWasmWorker });
    try {
      const a = randomFloat32(16 * 40, 9);
      const b = randomFloat32(40 * 64, 10);
      const ref = one.gemm(false, false, 16, 64, 40, 1, a, 40, b, 64, 0, new Float32Array(16 * 64), 64);
      for (let i = 0; i < 200; i++) {
        const c = three.gemm(false, false, 16, 64, 40, 1, a, 40, b, 64, 0, new Float32Array(16 * 64), 64);
        same(c, ref, `call ${i}`);
      }
    } finally {
      three.dispose();
    }
  });
});
