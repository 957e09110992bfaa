/**
 * Weight and bias gradients of {@link conv2d} (before bias/ReLU): dw = sum over images and row bands
 * of dy(outC x band) * cols(K x band)^T, with cols from im2col (the Caffe `weight_cpu_gemm`
 * lowering); a 1x1 kernel uses the image itself as cols. db sums dy per output channel.
 *
 * Accuracy: dw is float32 and receives one float32 addition per (image, band, 256-column GEMM
 * block); each of those partial sums is float64. db is summed entirely in float64.
 */
import type { ConvInfo } from './conv_info.js';
import { gemm } from './gemm.js';
import { im2col } from './im2col.js';
import { bandRows, colScratch } from './col_tiles.js';
import { requireLength } from './check.js';

/**
 * dw[o,c,r,s] = sum_{n,i,j} dy[n,o,i,j] * xpad[n, c, i + r - padT, j + s - padL] and
 * db[o] = sum_{n,i,j} dy[n,o,i,j] (skipped when db is null): the gradients of sum(dy * conv(x, w) + b).
 * x NCHW, dy NCHW [batch, outC, outH, outW], dw OIHW [outC, inC, kH, kW], db [outC]. Overwrites
 * dw and db (no accumulation across calls).
 *
 * Aliasing: dw and db must not overlap x or dy.
 * @returns dw
 * @throws ShapeError when a buffer is shorter than its shape in `info`
 */
export function conv2dBackpropFilter(
  dw: Float32Array, db: Float32Array | null, x: Float32Array, dy: Float32Array, info: ConvInfo,
): Float32Array {
  const { batch, inC, inH, inW, outC, outH, outW, kH, kW } = info;
  requireLength('conv2dBackpropFilter', 'dw (OIHW)', dw, [outC, inC, kH, kW]);
  if (db) requireLength('conv2dBackpropFilter', 'db', db, [outC]);
  requireLength('conv2dBackpropFilter', 'x (NCHW)', x, [batch, inC, inH, inW]);
  requireLength('conv2dBackpropFilter', 'dy (NCHW)', dy, [batch, outC, outH, outW]);
  const K = inC * kH * kW;
  const hw = outH * outW;
  const inHW = inH * inW;
  if (kH === 1 && kW === 1) {
    for (let n = 0; n < batch; n++) {
      gemm(dw, false, true, outC, inC, hw, 1, dy, hw, x, inHW, n === 0 ? 0 : 1, inC, n * outC * hw, n * inC * inHW, 0);
    }
  } else {
    const rows = bandRows(info);
    const cols = colScratch(info);
    let beta = 0;
    for (let n = 0; n < batch; n++) {
      for (let y0 = 0; y0 < outH; y0 += rows) {
        const y1 = Math.min(outH, y0 + rows);
        const nb = (y1 - y0) * outW;
        im2col(cols, x, info, n, y0, y1);
        gemm(dw, false, true, outC, K, nb, 1, dy, hw, cols, nb, beta, K, n * outC * hw + y0 * outW, 0, 0);
        beta = 1;
      }
    }
  }
  if (db) {
    for (let o = 0; o < outC; o++) {
      let s = 0;
      for (let n = 0; n < batch; n++) {
        const base = (n * outC + o) * hw;
        for (let j = base; j < base + hw; j++) s += dy[j]!;
      }
      db[o] = s;
    }
  }
  return dw;
}
