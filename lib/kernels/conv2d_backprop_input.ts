/**
 * Input gradient of {@link conv2d} (before bias/ReLU): dx = W^T * dy folded back by col2im, per
 * image and per band of output rows (the Caffe `backward_cpu_gemm` lowering). A 1x1 kernel needs no
 * col2im: dx = W^T * dy directly. With fewer than {@link DIRECT_BELOW_OUT_C} output channels (SRCNN's
 * last layer) and zero or no padding, that GEMM would have depth outC (1), so dx is computed as the
 * forward convolution it is instead (the transposed convolution of a stride-1 layer):
 *
 *   dx = conv(dy, w'),  w'[c, o, r, s] = w[o, c, kH-1-r, kW-1-s],
 *
 * padded with zeros by kH-1-padT, kW-1-padL, kH-1-padB, kW-1-padR, run by {@link conv2dDirect}.
 * Replicate padding sends border gradients to the edge pixels, which that form does not express,
 * so it keeps the GEMM path.
 *
 * Accuracy: float32 storage, float64 sums inside the GEMM (see gemm.ts); col2im adds each patch
 * gradient into float32 dx, at most kH*kW additions per pixel (more at replicate borders). The
 * direct path sums each dx value in float64 and rounds once.
 */
import type { ConvInfo } from './conv_info.js';
import { gemm } from './gemm.js';
import { col2im } from './col2im.js';
import { bandRows, colScratch } from './col_tiles.js';
import { DIRECT_BELOW_OUT_C } from './conv2d.js';
import { conv2dDirect } from './conv2d_direct.js';

/** The flipped, in/out-swapped weights of the direct path (grow-only, module-level). */
let flipped = new Float32Array(0);
import { requireLength } from './check.js';

/**
 * dx = d(sum(dy * conv(x, w)))/dx, i.e.
 *
 *   dx[n,c,p] = sum over (o, i, j, r, s) whose padded read xpad[n, c, i + r - padT, j + s - padL]
 *               comes from pixel p of w[o,c,r,s] * dy[n,o,i,j]
 *
 * ('replicate' borders send the gradient of every clamped read to the edge pixel; 'zeros' borders
 * drop it). dy NCHW [batch, outC, outH, outW], w OIHW, dx NCHW [batch, inC, inH, inW]. Overwrites dx.
 *
 * Aliasing: dx must not overlap dy or w.
 * @returns dx
 * @throws ShapeError when a buffer is shorter than its shape in `info`
 */
export function conv2dBackpropInput(dx: Float32Array, dy: Float32Array, w: Float32Array, info: ConvInfo): Float32Array {
  const { batch, inC, inH, inW, outC, outH, outW, kH, kW } = info;
  requireLength('conv2dBackpropInput', 'dx (NCHW)', dx, [batch, inC, inH, inW]);
  requireLength('conv2dBackpropInput', 'dy (NCHW)', dy, [batch, outC, outH, outW]);
  requireLength('conv2dBackpropInput', 'w (OIHW)', w, [outC, inC, kH, kW]);
  const K = inC * kH * kW;
  const hw = outH * outW;
  const inHW = inH * inW;
  if (kH === 1 && kW === 1) {
    for (let n = 0; n < batch; n++) {
      gemm(dx, true, false, inC, hw, outC, 1, w, inC, dy, hw, 0, inHW, 0, n * outC * hw, n * inC * inHW);
    }
    return dx;
  }
  const { padT, padL, padB, padR } = info;
  if (outC < DIRECT_BELOW_OUT_C && (info.paddingMode === 'zeros' || padT + padL + padB + padR === 0)) {
    const kk = kH * kW;
    const nw = outC * inC * kk;
    if (flipped.length < nw) flipped = new Float32Array(nw);
    const wt = flipped.subarray(0, nw);
    for (let o = 0; o < outC; o++) {
      for (let c = 0; c < inC; c++) {
        const src = (o * inC + c) * kk, dst = (c * outC + o) * kk + kk - 1;
        for (let t = 0; t < kk; t++) wt[dst - t] = w[src + t]!;
      }
    }
    const t: ConvInfo = {
      batch, inC: outC, inH: outH, inW: outW, outC: inC, outH: inH, outW: inW, kH, kW,
      padT: kH - 1 - padT, padL: kW - 1 - padL, padB: kH - 1 - padB, padR: kW - 1 - padR, paddingMode: 'zeros',
    };
    return conv2dDirect(dx, dy, wt, null, t, false);
  }
  dx.fill(0, 0, batch * inC * inHW);
  const rows = bandRows(info);
  const cols = colScratch(info);
  for (let n = 0; n < batch; n++) {
    for (let y0 = 0; y0 < outH; y0 += rows) {
      const y1 = Math.min(outH, y0 + rows);
      const nb = (y1 - y0) * outW;
      gemm(cols, true, false, K, nb, outC, 1, w, K, dy, hw, 0, nb, 0, n * outC * hw + y0 * outW, 0);
      col2im(dx, cols, info, n, y0, y1);
    }
  }
  return dx;
}
