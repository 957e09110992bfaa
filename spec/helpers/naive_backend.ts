/**
 * A direct-loop Backend used as an oracle in tests: every output value is a float64 sum over the
 * textbook formula (the oracles of spec/helpers/naive.ts), rounded to float32 once. Slow; for small
 * shapes only.
 */
import type { Backend } from '../../lib/backend/backend.js';
import { checkConvPair } from '../../lib/kernels/conv_info.js';
import { naiveConv2d, naiveConv2dBackpropFilter, naiveConv2dBackpropInput, naiveGemm } from './naive.js';

export function createNaiveBackend(): Backend {
  return {
    name: 'js',
    threads: 1,
    alloc: (n) => new Float32Array(n),
    free: () => undefined,
    releaseScratch: () => undefined,
    dispose: () => undefined,
    gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
      const out = naiveGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[i * ldc + j] = out[i * n + j]!;
      return c;
    },
    conv2d(y, x, w, bias, info, relu) {
      y.set(naiveConv2d(x, w, bias, info, relu));
      return y;
    },
    conv2dPair(y, x, first, second) {
      checkConvPair(first.info, second.info);
      const mid = Float32Array.from(naiveConv2d(x, first.w, first.bias, first.info, first.relu));
      y.set(naiveConv2d(mid, second.w, second.bias, second.info, second.relu));
      return y;
    },
    conv2dBackpropInput(dx, dy, w, info) {
      dx.set(naiveConv2dBackpropInput(dy, w, info));
      return dx;
    },
    conv2dBackpropFilter(dw, db, x, dy, info) {
      const g = naiveConv2dBackpropFilter(x, dy, info);
      if (db) db.set(g.db);
      dw.set(g.dw);
      return dw;
    },
    reluBackward(dx, dy, y, length) {
      for (let i = 0; i < length; i++) dx[i] = y[i]! > 0 ? dy[i]! : 0;
      return dx;
    },
  };
}
