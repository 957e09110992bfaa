import { ShapeError, ValueError, fmtShape } from '../errors.js';

/** 'valid': no padding, output shrinks by k-1. 'same': output has the input's size. */
export type Padding = 'valid' | 'same';
/** Border values for 'same' padding: zeros (Keras/PyTorch) or replicate = edge (MATLAB imfilter 'replicate'). */
export type PaddingMode = 'zeros' | 'replicate';

/**
 * Geometry of a stride-1 2-D cross-correlation, computed once and shared by the forward and both
 * backward kernels (the tfjs `computeConv2DInfo` pattern). Layouts: x is NCHW, w is OIHW, y is NCHW.
 *
 * `same` pads `(k-1)>>1` before and `k-1-((k-1)>>1)` after on each axis (TF/Keras/PyTorch rule: an
 * even kernel gets its extra pad at the bottom/right).
 *
 * y[n,o,i,j] = b[o] + sum_{c,r,s} w[o,c,r,s] * xpad[n, c, i + r - padT, j + s - padL]
 */
export interface ConvInfo {
  readonly batch: number;
  readonly inC: number;
  readonly inH: number;
  readonly inW: number;
  readonly outC: number;
  readonly outH: number;
  readonly outW: number;
  readonly kH: number;
  readonly kW: number;
  readonly padT: number;
  readonly padL: number;
  readonly padB: number;
  readonly padR: number;
  readonly paddingMode: PaddingMode;
}

/**
 * Builds a {@link ConvInfo} from an NCHW input shape and an OIHW weight shape.
 * @throws ShapeError when the channel counts differ, a dimension is zero, or a 'valid' window does
 *   not fit in the input.
 */
export function convInfo(
  xShape: readonly number[],
  wShape: readonly number[],
  padding: Padding,
  paddingMode: PaddingMode = 'zeros',
): ConvInfo {
  if (xShape.length !== 4) throw new ShapeError(`conv2d input must be NCHW (rank 4), got ${fmtShape(xShape)}`);
  if (wShape.length !== 4) throw new ShapeError(`conv2d weights must be OIHW (rank 4), got ${fmtShape(wShape)}`);
  const [batch, inC, inH, inW] = xShape as [number, number, number, number];
  const [outC, wInC, kH, kW] = wShape as [number, number, number, number];
  for (const d of [...xShape, ...wShape]) {
    if (!Number.isInteger(d) || d <= 0) {
      throw new ShapeError(`conv2d shapes must be positive integers: input ${fmtShape(xShape)}, weights ${fmtShape(wShape)}`);
    }
  }
  if (wInC !== inC) {
    throw new ShapeError(`conv2d channel mismatch: input ${fmtShape(xShape)} has ${inC} channels, weights ${fmtShape(wShape)} expect ${wInC}`);
  }
  if (padding !== 'valid' && padding !== 'same') throw new ValueError(`unknown padding '${String(padding)}' (use 'valid' or 'same')`);
  if (paddingMode !== 'zeros' && paddingMode !== 'replicate') {
    throw new ValueError(`unknown padding mode '${String(paddingMode)}' (use 'zeros' or 'replicate')`);
  }
  let padT = 0, padL = 0, padB = 0, padR = 0;
  if (padding === 'same') {
    padT = (kH - 1) >> 1;
    padB = kH - 1 - padT;
    padL = (kW - 1) >> 1;
    padR = kW - 1 - padL;
  }
  const outH = inH + padT + padB - kH + 1;
  const outW = inW + padL + padR - kW + 1;
  if (outH <= 0 || outW <= 0) {
    throw new ShapeError(`conv2d 'valid' window ${kH}x${kW} does not fit input ${inH}x${inW} (input ${fmtShape(xShape)})`);
  }
  return Object.freeze({ batch, inC, inH, inW, outC, outH, outW, kH, kW, padT, padL, padB, padR, paddingMode });
}

/** Multiply-accumulate count of one forward pass (bias excluded); flops = 2 * macs. */
export function convMacs(info: ConvInfo): number {
  return info.batch * info.outC * info.outH * info.outW * info.inC * info.kH * info.kW;
}

/** True for a 1x1 convolution without padding: a pointwise layer, one GEMM over the pixels. */
export function isPointwise(info: ConvInfo): boolean {
  return info.kH === 1 && info.kW === 1 && info.padT + info.padL + info.padB + info.padR === 0;
}

/**
 * Checks that `second` can follow `first` in a fused pair (Backend.conv2dPair): it is pointwise and
 * its input is `first`'s output.
 * @throws ShapeError naming what does not match.
 */
export function checkConvPair(first: ConvInfo, second: ConvInfo): void {
  if (!isPointwise(second)) {
    throw new ShapeError(`conv2dPair: the second layer must be 1x1 without padding, got ${second.kH}x${second.kW} padded ` +
      `${second.padT},${second.padL},${second.padB},${second.padR}`);
  }
  const out = [first.batch, first.outC, first.outH, first.outW];
  const inp = [second.batch, second.inC, second.inH, second.inW];
  if (out.some((v, i) => v !== inp[i])) {
    throw new ShapeError(`conv2dPair: the second layer reads ${fmtShape(inp)}, the first writes ${fmtShape(out)}`);
  }
}
