/**
 * im2col for a stride-1 2-D cross-correlation (Chellapilla et al., "High Performance Convolutional
 * Neural Networks for Document Processing", 2006; Caffe `im2col_cpu`), for one image and a band of
 * output rows, so that conv becomes W(outC x K) * cols(K x bandN).
 */
import type { ConvInfo } from './conv_info.js';
import { clamp } from '../util/clamp.js';
import { checkBand, requireLength } from './check.js';

/**
 * Writes the patch matrix of image `n`, output rows `y0 <= i < y1`:
 *
 *   cols[((c*kH + r)*kW + s) * N + (i - y0)*outW + j] = xpad[n, c, i + r - padT, j + s - padL]
 *
 * with N = (y1 - y0) * outW, x NCHW, and xpad = 0 outside the image (`paddingMode` 'zeros') or the
 * nearest edge pixel ('replicate', MATLAB `imfilter(..., 'replicate')`). Overwrites the first
 * K*N elements of cols (K = inC*kH*kW).
 *
 * Aliasing: cols must not overlap x.
 * @returns cols
 */
export function im2col(cols: Float32Array, x: Float32Array, info: ConvInfo, n = 0, y0 = 0, y1 = info.outH): Float32Array {
  const { inC, inH, inW, outW, kH, kW, padT, padL } = info;
  checkBand('im2col', info, cols, n, y0, y1);
  requireLength('im2col', 'x (NCHW)', x, [info.batch, inC, inH, inW]);
  const rep = info.paddingMode === 'replicate';
  const xImg = n * inC * inH * inW;
  let d = 0;
  for (let c = 0; c < inC; c++) {
    const xc = xImg + c * inH * inW;
    for (let r = 0; r < kH; r++) {
      for (let s = 0; s < kW; s++) {
        // Output columns [0, jLo) read left of the image, [jHi, outW) right of it.
        const jLo = clamp(padL - s, 0, outW);
        const jHi = clamp(inW + padL - s, jLo, outW);
        for (let i = y0; i < y1; i++) {
          let yy = i + r - padT;
          if (yy < 0 || yy >= inH) {
            if (!rep) {
              cols.fill(0, d, d + outW);
              d += outW;
              continue;
            }
            yy = yy < 0 ? 0 : inH - 1;
          }
          const row = xc + yy * inW;
          const left = rep ? x[row]! : 0;
          const right = rep ? x[row + inW - 1]! : 0;
          const src = row + s - padL;
          let j = 0;
          for (; j < jLo; j++) cols[d + j] = left;
          for (; j < jHi; j++) cols[d + j] = x[src + j]!;
          for (; j < outW; j++) cols[d + j] = right;
          d += outW;
        }
      }
    }
  }
  return cols;
}
