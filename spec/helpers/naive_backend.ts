/**
 * A direct-loop Backend used as an oracle in tests: every output value is a float64 sum over the
 * textbook formula, rounded to float32 once. Slow; for small shapes only.
 */
import type { Backend } from '../../lib/backend/backend.js';
import type { ConvInfo } from '../../lib/kernels/conv_info.js';

/** Index of padded coordinate `p` in [0, n), or -1 when it falls in zero padding. */
function src(p: number, n: number, replicate: boolean): number {
  if (p >= 0 && p < n) return p;
  if (!replicate) return -1;
  return p < 0 ? 0 : n - 1;
}

export function createNaiveBackend(): Backend {
  return {
    name: 'js',
    threads: 1,
    alloc: (n) => new Float32Array(n),
    free: () => undefined,
    dispose: () => undefined,
    gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += (transA ? a[p * lda + i]! : a[i * lda + p]!) * (transB ? b[j * ldb + p]! : b[p * ldb + j]!);
          c[i * ldc + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * ldc + j]!);
        }
      }
      return c;
    },
    conv2d(y, x, w, bias, info, relu) {
      const { batch, inC, inH, inW, outC, outH, outW, kH, kW, padT, padL } = info;
      const rep = info.paddingMode === 'replicate';
      for (let n = 0; n < batch; n++) for (let o = 0; o < outC; o++) for (let i = 0; i < outH; i++) for (let j = 0; j < outW; j++) {
        let s = bias ? bias[o]! : 0;
        for (let c = 0; c < inC; c++) for (let r = 0; r < kH; r++) {
          const yy = src(i + r - padT, inH, rep);
          if (yy < 0) continue;
          for (let q = 0; q < kW; q++) {
            const xx = src(j + q - padL, inW, rep);
            if (xx < 0) continue;
            s += w[((o * inC + c) * kH + r) * kW + q]! * x[((n * inC + c) * inH + yy) * inW + xx]!;
          }
        }
        y[((n * outC + o) * outH + i) * outW + j] = relu && s < 0 ? 0 : s;
      }
      return y;
    },
    conv2dBackpropInput(dx, dy, w, info) {
      const { batch, inC, inH, inW, outC, outH, outW, kH, kW, padT, padL } = info;
      const rep = info.paddingMode === 'replicate';
      const acc = new Float64Array(batch * inC * inH * inW);
      for (let n = 0; n < batch; n++) for (let o = 0; o < outC; o++) for (let i = 0; i < outH; i++) for (let j = 0; j < outW; j++) {
        const g = dy[((n * outC + o) * outH + i) * outW + j]!;
        for (let c = 0; c < inC; c++) for (let r = 0; r < kH; r++) {
          const yy = src(i + r - padT, inH, rep);
          if (yy < 0) continue;
          for (let q = 0; q < kW; q++) {
            const xx = src(j + q - padL, inW, rep);
            if (xx < 0) continue;
            acc[((n * inC + c) * inH + yy) * inW + xx]! += g * w[((o * inC + c) * kH + r) * kW + q]!;
          }
        }
      }
      dx.set(acc);
      return dx;
    },
    conv2dBackpropFilter(dw, db, x, dy, info: ConvInfo) {
      const { batch, inC, inH, inW, outC, outH, outW, kH, kW, padT, padL } = info;
      const rep = info.paddingMode === 'replicate';
      for (let o = 0; o < outC; o++) {
        if (db) {
          let s = 0;
          for (let n = 0; n < batch; n++) for (let p = 0; p < outH * outW; p++) s += dy[(n * outC + o) * outH * outW + p]!;
          db[o] = s;
        }
        for (let c = 0; c < inC; c++) for (let r = 0; r < kH; r++) for (let q = 0; q < kW; q++) {
          let s = 0;
          for (let n = 0; n < batch; n++) for (let i = 0; i < outH; i++) {
            const yy = src(i + r - padT, inH, rep);
            if (yy < 0) continue;
            for (let j = 0; j < outW; j++) {
              const xx = src(j + q - padL, inW, rep);
              if (xx < 0) continue;
              s += dy[((n * outC + o) * outH + i) * outW + j]! * x[((n * inC + c) * inH + yy) * inW + xx]!;
            }
          }
          dw[((o * inC + c) * kH + r) * kW + q] = s;
        }
      }
      return dw;
    },
  };
}
