/**
 * Naive reference implementations: the oracles the tests compare the optimized kernels against, and
 * the baselines the benchmarks time. Written straight from the definitions, with float64 sums and
 * float64 outputs, no blocking and no tricks. Layouts as in lib/kernels: row-major matrices,
 * NCHW activations, OIHW weights, geometry from {@link ConvInfo}.
 */
import type { ConvInfo } from '../../lib/kernels/conv_info.js';

type Vec = ArrayLike<number>;

/**
 * C = alpha * op(A) * op(B) + beta * C by the ijk definition (float64 dot products). Returns a
 * new dense m x n Float64Array (row stride n); `c` (row stride ldc) is read only when beta != 0.
 */
export function naiveGemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Vec, lda: number, b: Vec, ldb: number, beta: number, c: Vec | null, ldc: number,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * lda + i]! : a[i * lda + p]!;
        const bv = transB ? b[j * ldb + p]! : b[p * ldb + j]!;
        s += av * bv;
      }
      out[i * n + j] = alpha * s + (beta === 0 || c === null ? 0 : beta * c[i * ldc + j]!);
    }
  }
  return out;
}

/**
 * The textbook i-k-j loop C = A * B (dense row-major float32, no transposes): the speed baseline
 * of the GEMM benchmark. Overwrites c and returns it.
 */
export function naiveGemmIkj(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float32Array {
  c.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p]!;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j]!;
    }
  }
  return c;
}

/**
 * Source coordinate of padded position `q` on an axis of length `len`: the clamped index for
 * replicate borders, -1 when the position is in a zero border.
 */
function source(q: number, len: number, replicate: boolean): number {
  if (q >= 0 && q < len) return q;
  if (!replicate) return -1;
  return q < 0 ? 0 : len - 1;
}

/**
 * Direct stride-1 cross-correlation by definition, float64:
 * y[n,o,i,j] = b[o] + sum_{c,r,s} w[o,c,r,s] * xpad[n,c,i+r-padT,j+s-padL], then max(0, .) when relu.
 * xpad is 0 outside the image ('zeros') or the nearest edge pixel ('replicate').
 */
export function naiveConv2d(x: Vec, w: Vec, bias: Vec | null, info: ConvInfo, relu: boolean): Float64Array {
  const { batch, inC, inH, inW, outC, outH, outW, kH, kW, padT, padL } = info;
  const rep = info.paddingMode === 'replicate';
  const y = new Float64Array(batch * outC * outH * outW);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outC; o++) {
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++) {
          let s = bias ? bias[o]! : 0;
          for (let c = 0; c < inC; c++) {
            for (let r = 0; r < kH; r++) {
              const yy = source(i + r - padT, inH, rep);
              if (yy < 0) continue;
              for (let q = 0; q < kW; q++) {
                const xx = source(j + q - padL, inW, rep);
                if (xx < 0) continue;
                s += w[((o * inC + c) * kH + r) * kW + q]! * x[((n * inC + c) * inH + yy) * inW + xx]!;
              }
            }
          }
          y[((n * outC + o) * outH + i) * outW + j] = relu && s < 0 ? 0 : s;
        }
      }
    }
  }
  return y;
}

/**
 * dx = d(sum(dy * conv(x, w)))/dx by definition, float64: every product w[o,c,r,s] * x[source]
 * in the forward pass sends w[o,c,r,s] * dy[n,o,i,j] back to that source pixel (so a replicated
 * edge pixel collects the gradient of every padded position that read it).
 */
export function naiveConv2dBackpropInput(dy: Vec, w: Vec, info: ConvInfo): Float64Array {
  const { batch, inC, inH, inW, outC, outH, outW, kH, kW, padT, padL } = info;
  const rep = info.paddingMode === 'replicate';
  const dx = new Float64Array(batch * inC * inH * inW);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outC; o++) {
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++) {
          const g = dy[((n * outC + o) * outH + i) * outW + j]!;
          for (let c = 0; c < inC; c++) {
            for (let r = 0; r < kH; r++) {
              const yy = source(i + r - padT, inH, rep);
              if (yy < 0) continue;
              for (let q = 0; q < kW; q++) {
                const xx = source(j + q - padL, inW, rep);
                if (xx < 0) continue;
                dx[((n * inC + c) * inH + yy) * inW + xx]! += w[((o * inC + c) * kH + r) * kW + q]! * g;
              }
            }
          }
        }
      }
    }
  }
  return dx;
}

/** dw[o,c,r,s] = sum_{n,i,j} dy[n,o,i,j] * xpad[n,c,i+r-padT,j+s-padL]; db[o] = sum_{n,i,j} dy[n,o,i,j]. Float64. */
export function naiveConv2dBackpropFilter(x: Vec, dy: Vec, info: ConvInfo): { dw: Float64Array; db: Float64Array } {
  const { batch, inC, inH, inW, outC, outH, outW, kH, kW, padT, padL } = info;
  const rep = info.paddingMode === 'replicate';
  const dw = new Float64Array(outC * inC * kH * kW);
  const db = new Float64Array(outC);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outC; o++) {
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++) {
          const g = dy[((n * outC + o) * outH + i) * outW + j]!;
          db[o]! += g;
          for (let c = 0; c < inC; c++) {
            for (let r = 0; r < kH; r++) {
              const yy = source(i + r - padT, inH, rep);
              if (yy < 0) continue;
              for (let q = 0; q < kW; q++) {
                const xx = source(j + q - padL, inW, rep);
                if (xx < 0) continue;
                dw[((o * inC + c) * kH + r) * kW + q]! += g * x[((n * inC + c) * inH + yy) * inW + xx]!;
              }
            }
          }
        }
      }
    }
  }
  return { dw, db };
}
