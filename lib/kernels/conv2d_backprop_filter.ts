/**
 * Weight and bias gradients of {@link conv2d} (before bias/ReLU): dw = sum over images and row bands
 * of dy(outC x band) * cols(K x band)^T, with cols from im2col (the Caffe `weight_cpu_gemm`
 * lowering); a 1x1 kernel uses the image itself as cols. With fewer than {@link DIRECT_BELOW_OUT_C}
 * output channels (SRCNN's last layer) the GEMM would be a row vector times im2col, so dw is
 * computed by direct correlation instead (`correlateDirect`). db sums dy per output channel.
 *
 * Accuracy: dw is float32 and receives one float32 addition per (image, band, 256-column GEMM
 * block); each of those partial sums is float64. On the direct path each weight is one float64 sum
 * rounded once. db is summed entirely in float64.
 */
import type { ConvInfo } from './conv_info.js';
import { gemm } from './gemm.js';
import { im2col } from './im2col.js';
import { bandRows, colScratch } from './col_tiles.js';
import { DIRECT_BELOW_OUT_C } from './conv2d.js';
import { conv2dDirect } from './conv2d_direct.js';

/** The planes of one input channel and of one output channel over the batch (grow-only, module-level). */
let xPlanes = new Float32Array(0);
let dyPlanes = new Float32Array(0);

/**
 * dw for few output channels, where the GEMM would have m = outC (1): each dw[o, c] (kH x kW) is the
 * correlation of channel c of x (padded as in the forward pass) with channel o of dy, summed over
 * the batch, i.e. a forward convolution with the batch as input channels and dy[:, o] as the
 * kernel, run by {@link conv2dDirect} (float64 sums, one rounding per weight).
 */
function correlateDirect(dw: Float32Array, x: Float32Array, dy: Float32Array, info: ConvInfo): void {
  const { batch, inC, inH, inW, outC, outH, outW, kH, kW, padT, padL, padB, padR, paddingMode } = info;
  const inHW = inH * inW, hw = outH * outW, kk = kH * kW;
  if (xPlanes.length < batch * inHW) xPlanes = new Float32Array(batch * inHW);
  if (dyPlanes.length < batch * hw) dyPlanes = new Float32Array(batch * hw);
  const xs = xPlanes.subarray(0, batch * inHW), ds = dyPlanes.subarray(0, batch * hw);
  const t: ConvInfo = {
    batch: 1, inC: batch, inH, inW, outC: 1, outH: kH, outW: kW, kH: outH, kW: outW, padT, padL, padB, padR, paddingMode,
  };
  for (let o = 0; o < outC; o++) {
    for (let n = 0; n < batch; n++) ds.set(dy.subarray((n * outC + o) * hw, (n * outC + o + 1) * hw), n * hw);
    for (let c = 0; c < inC; c++) {
      for (let n = 0; n < batch; n++) xs.set(x.subarray((n * inC + c) * inHW, (n * inC + c + 1) * inHW), n * inHW);
      conv2dDirect(dw.subarray((o * inC + c) * kk, (o * inC + c + 1) * kk), xs, ds, null, t, false);
    }
  }
}
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
  } else if (outC < DIRECT_BELOW_OUT_C) {
    correlateDirect(dw, x, dy, info);
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
