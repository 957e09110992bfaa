/** Buffer-length checks shared by the kernels: a buffer may be longer than needed (pooled), never shorter. */
import { ShapeError, fmtShape } from '../errors.js';
import type { ConvInfo } from './conv_info.js';

/**
 * Throws unless `buf` holds at least the elements of a dense tensor of `shape`.
 * @param kernel - kernel name for the message, e.g. 'conv2d'
 * @param what - the argument and its layout, e.g. 'x (NCHW)'
 * @throws ShapeError naming the buffer length and the expected shape
 */
export function requireLength(kernel: string, what: string, buf: ArrayLike<number>, shape: readonly number[]): void {
  let n = 1;
  for (const d of shape) n *= d;
  if (buf.length < n) {
    throw new ShapeError(`${kernel}: ${what} has ${buf.length} elements, needs ${n} for shape ${fmtShape(shape)}`);
  }
}

/**
 * Validates an im2col band request: image `n` of the batch, output rows `y0 <= i < y1`, and a
 * `cols` buffer holding K x ((y1 - y0) * outW) elements (K = inC*kH*kW).
 * @throws ShapeError naming the bad index, band or length
 */
export function checkBand(kernel: string, info: ConvInfo, cols: Float32Array, n: number, y0: number, y1: number): void {
  if (!Number.isInteger(n) || n < 0 || n >= info.batch) {
    throw new ShapeError(`${kernel}: image index ${n} is out of range for batch ${info.batch}`);
  }
  if (!Number.isInteger(y0) || !Number.isInteger(y1) || y0 < 0 || y1 > info.outH || y0 >= y1) {
    throw new ShapeError(`${kernel}: row band ${y0}..${y1} is not inside the ${info.outH} output rows`);
  }
  const need = info.inC * info.kH * info.kW * (y1 - y0) * info.outW;
  if (cols.length < need) {
    throw new ShapeError(
      `${kernel}: cols has ${cols.length} elements, needs ${need} (K = ${info.inC}*${info.kH}*${info.kW} rows x ${(y1 - y0) * info.outW} columns)`,
    );
  }
}
