/**
 * Interop with scijs `ndarray` (https://github.com/scijs/ndarray): an {@link Image} is the
 * row-major uint8 array of shape `[height, width, channels]`, strides `[width * channels, channels, 1]`.
 */
import ndarray, { type NdArray } from 'ndarray';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { assertImage, type Channels, type Image } from './image.js';

/**
 * A view of `image` as an ndarray of shape `[h, w, c]` (also for gray: `[h, w, 1]`). No copy: the
 * ndarray's `data` is `image.data`, so writes through either are visible in both.
 * @throws ShapeError when `image` is malformed.
 */
export function imageToNdarray(image: Image): NdArray<Uint8Array> {
  assertImage(image, 'imageToNdarray');
  const { width, height, channels } = image;
  return ndarray(image.data, [height, width, channels], [width * channels, channels, 1], 0);
}

/**
 * An {@link Image} from an ndarray of shape `[h, w, c]` (c = 1..4) or `[h, w]` (gray).
 *
 * No copy when the data is a `Uint8Array` or `Uint8ClampedArray` laid out row-major and
 * contiguous (any offset): the image's `data` is a view of the same memory. Any other layout
 * (transposed, stepped, sliced) or dtype is copied; non-uint8 values must then be integers in
 * 0..255 (no rounding or clamping is applied, so a float image in 0..1 is rejected, not truncated).
 * @throws ShapeError for a wrong rank, channel count, empty size or out-of-bounds view.
 * @throws ValueError for a value that is not an integer in 0..255.
 */
export function imageFromNdarray(array: NdArray): Image {
  const shape = array.shape;
  if (shape.length !== 2 && shape.length !== 3) {
    throw new ShapeError(`imageFromNdarray: expected shape [h, w] or [h, w, c], got ${fmtShape(shape)}`);
  }
  const height = shape[0]!;
  const width = shape[1]!;
  const channels = shape.length === 3 ? shape[2]! : 1;
  if (channels < 1 || channels > 4) throw new ShapeError(`imageFromNdarray: channels must be 1..4, got ${fmtShape(shape)}`);
  if (width <= 0 || height <= 0) throw new ShapeError(`imageFromNdarray: empty image ${fmtShape(shape)}`);
  const c = channels as Channels;
  const sy = array.stride[0]!;
  const sx = array.stride[1]!;
  const sc = shape.length === 3 ? array.stride[2]! : 1;
  const offset = array.offset;
  const data = array.data;
  const n = width * height * c;

  const bytes = data instanceof Uint8Array || data instanceof Uint8ClampedArray ? data : null;
  // Strides of unit-length axes do not matter for contiguity.
  const contiguous = (c === 1 || sc === 1) && (width === 1 || sx === c) && (height === 1 || sy === width * c);
  if (bytes !== null && contiguous) {
    if (offset < 0 || offset + n > bytes.length) {
      throw new ShapeError(`imageFromNdarray: view ${fmtShape(shape)} at offset ${offset} overruns its ${bytes.length}-element data`);
    }
    return { width, height, channels: c, data: new Uint8Array(bytes.buffer, bytes.byteOffset + offset, n) };
  }

  const out = new Uint8Array(n);
  const get = typeof (data as { get?: unknown }).get === 'function' ? (i: number) => (data as ndarray.GenericArray<number>).get(i) : null;
  const indexed = data as ArrayLike<number>;
  const length = get === null ? indexed.length : (data as ndarray.GenericArray<number>).length;
  let o = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < c; k++) {
        const i = offset + y * sy + x * sx + k * sc;
        if (i < 0 || i >= length) {
          throw new ShapeError(`imageFromNdarray: view ${fmtShape(shape)} reads index ${i} outside its ${length}-element data`);
        }
        const v = get === null ? indexed[i]! : get(i);
        if (!(Number.isInteger(v) && v >= 0 && v <= 255)) {
          throw new ValueError(`imageFromNdarray: value ${v} at [${y}, ${x}, ${k}] is not an integer in 0..255`);
        }
        out[o++] = v;
      }
    }
  }
  return { width, height, channels: c, data: out };
}
