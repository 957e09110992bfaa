/**
 * col2im: the adjoint of {@link im2col} (Caffe `col2im_cpu`), used by the input gradient of conv2d.
 */
import type { ConvInfo } from './conv_info.js';
import { clamp } from '../util/clamp.js';
import { checkBand, requireLength } from './check.js';

/**
 * Folds a patch-gradient matrix of image `n`, output rows `y0 <= i < y1`, back onto the input:
 * for every entry that {@link im2col} would have filled from xpad[n, c, i + r - padT, j + s - padL],
 *
 *   dx[n, c, src] += cols[((c*kH + r)*kW + s) * N + (i - y0)*outW + j],   N = (y1 - y0) * outW
 *
 * where src is that pixel for positions inside the image; for padded positions it is the clamped
 * edge pixel with 'replicate' borders (so an edge pixel read at several padded positions gathers all
 * their gradients) and nothing at all with 'zeros' borders. Accumulates: dx is not cleared, so the
 * caller zeroes it once before the first band. <col2im(C), X> = <C, im2col(X)> exactly in real
 * arithmetic.
 *
 * Aliasing: cols must not overlap dx.
 * @returns dx
 */
export function col2im(dx: Float32Array, cols: Float32Array, info: ConvInfo, n = 0, y0 = 0, y1 = info.outH): Float32Array {
  const { inC, inH, inW, outW, kH, kW, padT, padL } = info;
  checkBand('col2im', info, cols, n, y0, y1);
  requireLength('col2im', 'dx (NCHW)', dx, [info.batch, inC, inH, inW]);
  const rep = info.paddingMode === 'replicate';
  const xImg = n * inC * inH * inW;
  let d = 0;
  for (let c = 0; c < inC; c++) {
    const xc = xImg + c * inH * inW;
    for (let r = 0; r < kH; r++) {
      for (let s = 0; s < kW; s++) {
        const jLo = clamp(padL - s, 0, outW);
        const jHi = clamp(inW + padL - s, jLo, outW);
        for (let i = y0; i < y1; i++) {
          let yy = i + r - padT;
          if (yy < 0 || yy >= inH) {
            if (!rep) {
              d += outW;
              continue;
            }
            yy = yy < 0 ? 0 : inH - 1;
          }
          const row = xc + yy * inW;
          const dst = row + s - padL;
          let j = 0;
          if (rep) {
            let left = 0;
            for (; j < jLo; j++) left += cols[d + j]!;
            dx[row] += left;
          }
          for (j = jLo; j < jHi; j++) dx[dst + j] += cols[d + j]!;
          if (rep) {
            let right = 0;
            for (; j < outW; j++) right += cols[d + j]!;
            dx[row + inW - 1] += right;
          }
          d += outW;
        }
      }
    }
  }
  return dx;
}
