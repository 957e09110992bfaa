/** Weight layout conversions. srcnn-ts stores every kernel OIHW (see `types.ts`). */
import { WeightsError, fmtShape } from '../errors.js';

/**
 * HWIO `[kh, kw, in, out]` (Keras / TensorFlow) to OIHW `[out, in, kh, kw]` by transposition only,
 * numpy `W.transpose(3, 2, 0, 1)`: `oihw[((o*in + i)*kh + r)*kw + c] = hwio[((r*kw + c)*in + i)*out + o]`.
 * No spatial flip: TensorFlow's conv2d is a cross-correlation, like srcnn-ts.
 * @throws WeightsError when `hwio.length !== kh * kw * inC * out`.
 */
export function hwioToOihw(hwio: ArrayLike<number>, kh: number, kw: number, inC: number, out: number): Float32Array {
  const n = kh * kw * inC * out;
  if (hwio.length !== n) throw new WeightsError(`hwioToOihw: ${hwio.length} values, HWIO shape ${fmtShape([kh, kw, inC, out])} needs ${n}`);
  const oihw = new Float32Array(n);
  let src = 0;
  for (let r = 0; r < kh; r++) {
    for (let c = 0; c < kw; c++) {
      for (let i = 0; i < inC; i++) {
        for (let o = 0; o < out; o++) oihw[((o * inC + i) * kh + r) * kw + c] = hwio[src++]!;
      }
    }
  }
  return oihw;
}
