/**
 * Direct forward convolution for layers with few output channels (SRCNN's last layer has one).
 * There im2col + GEMM is a bad trade: im2col writes K = inC*kH*kW floats per output pixel and the
 * GEMM (m = outC) reads each of them once, so the copy costs as much as the arithmetic. This kernel
 * instead slides each kernel row along the input rows: for output row i, input channel c and kernel
 * row r, a row of float64 accumulators gets
 *
 *   acc[j] += sum_s w[o,c,r,s] * xpad[n, c, i + r - padT, j + s - padL]
 *
 * with up to 5 taps fused per pass over acc; the few border columns whose taps leave the image
 * (at most kW-1 per row) are done tap by tap with the padding rule.
 *
 * Accuracy: every output is one float64 sum of its K products plus bias, rounded to float32 once.
 */
import type { ConvInfo } from './conv_info.js';
import { requireLength } from './check.js';

/** Float64 accumulators of one output row (grow-only, module-level; the kernel never nests). */
let rowAcc = new Float64Array(0);

/**
 * y = conv(x, w) + bias, then ReLU when `relu`, computed directly (no im2col). Same contract and
 * formula as {@link conv2d}; meant for outC < 4, works for any shape. Overwrites y.
 *
 * Aliasing: y must not overlap x, w or bias.
 * @returns y
 * @throws ShapeError when a buffer is shorter than its shape in `info`
 */
export function conv2dDirect(
  y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, info: ConvInfo, relu: boolean,
): Float32Array {
  const { batch, inC, inH, inW, outC, outH, outW, kH, kW, padT, padL } = info;
  requireLength('conv2dDirect', 'y (NCHW)', y, [batch, outC, outH, outW]);
  requireLength('conv2dDirect', 'x (NCHW)', x, [batch, inC, inH, inW]);
  requireLength('conv2dDirect', 'w (OIHW)', w, [outC, inC, kH, kW]);
  if (bias) requireLength('conv2dDirect', 'bias', bias, [outC]);
  const rep = info.paddingMode === 'replicate';
  if (rowAcc.length < outW) rowAcc = new Float64Array(outW);
  const acc = rowAcc;
  // Output columns [jA, jB) read only inside the image for every tap.
  const jA = Math.min(padL, outW);
  const jB = Math.max(jA, Math.min(outW, inW - kW + padL + 1));
  const inHW = inH * inW;
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outC; o++) {
      const b = bias ? bias[o]! : 0;
      for (let i = 0; i < outH; i++) {
        acc.fill(b, 0, outW);
        for (let c = 0; c < inC; c++) {
          for (let r = 0; r < kH; r++) {
            let yy = i + r - padT;
            if (yy < 0 || yy >= inH) {
              if (!rep) continue;
              yy = yy < 0 ? 0 : inH - 1;
            }
            const row = (n * inC + c) * inHW + yy * inW;
            const wr = ((o * inC + c) * kH + r) * kW;
            for (let j = 0; j < jA; j++) acc[j] += borderTaps(x, row, inW, w, wr, kW, j - padL, rep);
            for (let j = jB; j < outW; j++) acc[j] += borderTaps(x, row, inW, w, wr, kW, j - padL, rep);
            interiorTaps(acc, x, row - padL, w, wr, kW, jA, jB);
          }
        }
        const yr = ((n * outC + o) * outH + i) * outW;
        if (relu) {
          for (let j = 0; j < outW; j++) {
            const v = acc[j]!;
            y[yr + j] = (v + Math.abs(v)) * 0.5;
          }
        } else {
          for (let j = 0; j < outW; j++) y[yr + j] = acc[j]!;
        }
      }
    }
  }
  return y;
}

/** sum_s w[wr+s] * x[row + clamp(x0+s)] for one border column (zero taps skipped). */
function borderTaps(x: Float32Array, row: number, inW: number, w: Float32Array, wr: number, kW: number, x0: number, rep: boolean): number {
  let s = 0;
  for (let t = 0; t < kW; t++) {
    let xx = x0 + t;
    if (xx < 0 || xx >= inW) {
      if (!rep) continue;
      xx = xx < 0 ? 0 : inW - 1;
    }
    s += w[wr + t]! * x[row + xx]!;
  }
  return s;
}

/** acc[j] += sum_t w[wr+t] * x[src + j + t] for j in [j0, j1), fusing up to 5 taps per pass. */
function interiorTaps(acc: Float64Array, x: Float32Array, src: number, w: Float32Array, wr: number, kW: number, j0: number, j1: number): void {
  let t = 0;
  while (t < kW) {
    const g = Math.min(5, kW - t);
    const p = src + t;
    const w0 = w[wr + t]!;
    if (g === 5) {
      const w1 = w[wr + t + 1]!, w2 = w[wr + t + 2]!, w3 = w[wr + t + 3]!, w4 = w[wr + t + 4]!;
      for (let j = j0; j < j1; j++) {
        const q = p + j;
        acc[j] += w0 * x[q]! + w1 * x[q + 1]! + w2 * x[q + 2]! + w3 * x[q + 3]! + w4 * x[q + 4]!;
      }
    } else if (g === 4) {
      const w1 = w[wr + t + 1]!, w2 = w[wr + t + 2]!, w3 = w[wr + t + 3]!;
      for (let j = j0; j < j1; j++) {
        const q = p + j;
        acc[j] += w0 * x[q]! + w1 * x[q + 1]! + w2 * x[q + 2]! + w3 * x[q + 3]!;
      }
    } else if (g === 3) {
      const w1 = w[wr + t + 1]!, w2 = w[wr + t + 2]!;
      for (let j = j0; j < j1; j++) {
        const q = p + j;
        acc[j] += w0 * x[q]! + w1 * x[q + 1]! + w2 * x[q + 2]!;
      }
    } else if (g === 2) {
      const w1 = w[wr + t + 1]!;
      for (let j = j0; j < j1; j++) acc[j] += w0 * x[p + j]! + w1 * x[p + j + 1]!;
    } else {
      for (let j = j0; j < j1; j++) acc[j] += w0 * x[p + j]!;
    }
    t += g;
  }
}
