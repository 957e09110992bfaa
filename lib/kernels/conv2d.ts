/**
 * Forward 2-D convolution (cross-correlation, stride 1) with fused bias and ReLU, by im2col + GEMM
 * (Chellapilla et al. 2006; the Caffe/Darknet lowering): per image and per band of output rows,
 * y[:, band] = W(outC x K) * cols(K x band), K = inC*kH*kW, then bias and ReLU on the band while it
 * is in cache. A 1x1 kernel (no padding) multiplies W by the image directly, with no im2col, and
 * a layer with fewer than 4 output channels (SRCNN's last) uses the direct kernel of conv2d_direct.ts.
 *
 * Accuracy: float32 storage; the GEMM sums up to 256 products in float64 before each float32
 * rounding, so |y - y_exact| is about 1e-7 * sqrt(K) * sum|w||x| in practice (tests allow
 * 1e-5 * sqrt(K) relative).
 */
import type { ConvInfo } from './conv_info.js';
import { gemm } from './gemm.js';
import { im2col } from './im2col.js';
import { conv2dDirect } from './conv2d_direct.js';
import { bandRows, colScratch } from './col_tiles.js';
import { requireLength } from './check.js';

/** Output columns per GEMM call on the 1x1 path (a multiple of the GEMM's NC block). */
const ONE_BY_ONE_CHUNK = 4095;
/** Below this many output channels (the GEMM's micro-tile height) {@link conv2dDirect} is used. */
export const DIRECT_BELOW_OUT_C = 4;

/**
 * y = conv(x, w) + bias, then max(0, y) when `relu`:
 *
 *   y[n,o,i,j] = bias[o] + sum_{c,r,s} w[o,c,r,s] * xpad[n, c, i + r - padT, j + s - padL]
 *
 * x NCHW [batch, inC, inH, inW], w OIHW [outC, inC, kH, kW], y NCHW [batch, outC, outH, outW], bias
 * [outC] or null; padding (zeros or replicate) and sizes from `info`. Overwrites y.
 *
 * Aliasing: y must not overlap x, w or bias.
 * @returns y
 * @throws ShapeError when a buffer is shorter than its shape in `info`
 */
export function conv2d(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, info: ConvInfo, relu: boolean,
): Float32Array {
  const { batch, inC, inH, inW, outC, outH, outW, kH, kW } = info;
  requireLength('conv2d', 'y (NCHW)', y, [batch, outC, outH, outW]);
  requireLength('conv2d', 'x (NCHW)', x, [batch, inC, inH, inW]);
  requireLength('conv2d', 'w (OIHW)', w, [outC, inC, kH, kW]);
  if (bias) requireLength('conv2d', 'bias', bias, [outC]);
  const K = inC * kH * kW;
  const hw = outH * outW;
  const inHW = inH * inW;
  if (kH === 1 && kW === 1) {
    // Column chunks keep each chunk of y in cache for the bias/ReLU pass.
    for (let n = 0; n < batch; n++) {
      for (let j0 = 0; j0 < hw; j0 += ONE_BY_ONE_CHUNK) {
        const nb = Math.min(ONE_BY_ONE_CHUNK, hw - j0);
        const yOff = n * outC * hw + j0;
        gemm(y, false, false, outC, nb, inC, 1, w, inC, x, inHW, 0, hw, 0, n * inC * inHW + j0, yOff);
        biasRelu(y, yOff, hw, outC, nb, bias, relu);
      }
    }
    return y;
  }
  if (outC < DIRECT_BELOW_OUT_C) return conv2dDirect(y, x, w, bias, info, relu);
  const rows = bandRows(info);
  const cols = colScratch(info);
  for (let n = 0; n < batch; n++) {
    for (let y0 = 0; y0 < outH; y0 += rows) {
      const y1 = Math.min(outH, y0 + rows);
      const nb = (y1 - y0) * outW;
      const yOff = n * outC * hw + y0 * outW;
      im2col(cols, x, info, n, y0, y1);
      gemm(y, false, false, outC, nb, K, 1, w, K, cols, nb, 0, hw, 0, 0, yOff);
      biasRelu(y, yOff, hw, outC, nb, bias, relu);
    }
  }
  return y;
}

/**
 * y[o*ld + j] = relu(y + bias[o]) for o < rows, j < len, starting at `off`. ReLU is computed as
 * (v + |v|) / 2, which is exact and branch-free (a `v > 0 ? v : 0` select mispredicts on random
 * signs: 9-11 ns against 0.7 ns per element measured here).
 */
function biasRelu(y: Float32Array, off: number, ld: number, rows: number, len: number, bias: Float32Array | null, relu: boolean): void {
  if (!bias && !relu) return;
  for (let o = 0; o < rows; o++) {
    const b = bias ? bias[o]! : 0;
    const r = off + o * ld;
    const e = r + len;
    if (relu) {
      for (let j = r; j < e; j++) {
        const v = y[j]! + b;
        y[j] = (v + Math.abs(v)) * 0.5;
      }
    } else {
      for (let j = r; j < e; j++) y[j] += b;
    }
  }
}
