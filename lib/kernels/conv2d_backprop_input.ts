/**
 * Input gradient of {@link conv2d} (before bias/ReLU): dx = W^T * dy folded back by col2im, per
 * image and per band of output rows (the Caffe `backward_cpu_gemm` lowering). A 1x1 kernel needs no
 * col2im: dx = W^T * dy directly.
 *
 * Accuracy: float32 storage, float64 sums inside the GEMM (see gemm.ts); col2im adds each patch
 * gradient into float32 dx, at most kH*kW additions per pixel (more at replicate borders).
 */
import type { ConvInfo } from './conv_info.js';
import { gemm } from './gemm.js';
import { col2im } from './col2im.js';
import { bandRows, colScratch } from './col_tiles.js';
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
