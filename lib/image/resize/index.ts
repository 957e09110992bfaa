/**
 * `cv2.resize` (OpenCV 4.6.0, SSE2 baseline build) in TypeScript: bit-exact on uint8 and on float32
 * (see each interpolation's file for its formulas, and /work/shared/anchors/conventions.md section 1).
 *
 * `resize(img, w, h, interp)` equals `cv2.resize(img, (w, h), interpolation=INTER_<interp>)`.
 * cv2's `fx/fy` mode (`dsize = (0, 0)`) is not provided. Data stay in the caller's channel order
 * (resizing treats channels independently).
 */
import { OptionError, ShapeError, ValueError } from '../../errors.js';
import { assertSourceShape, type Image, type Plane } from '../image.js';
import { resizeAreaF32, resizeAreaU8, areaFastF32, areaFastU8 } from './area.js';
import { isExactHalf, resizeGeometry, type Interpolation, type ResizeGeometry } from './common.js';
import { resizeCubicF32, resizeCubicU8 } from './cubic.js';
import { resizeLinearF32, resizeLinearU8 } from './linear.js';
import { resizeNearest } from './nearest.js';

export type { Interpolation } from './common.js';

const INTERPOLATIONS: readonly Interpolation[] = ['nearest', 'linear', 'cubic', 'area'];

/** The largest number of values a resize will allocate (2^31 - 1, the int32 index range of the kernels). */
const MAX_VALUES = 2 ** 31 - 1;

/**
 * Resizes an 8-bit image to `width x height`, bit-exact to `cv2.resize` 4.6 for 1 to 4 channels.
 * A same-size resize returns a copy.
 * @throws ValueError when a size is not a positive integer or the result would be too large.
 * @throws OptionError for an unknown interpolation.
 * @throws ShapeError when `img.data` does not hold `width * height * channels` bytes.
 */
export function resize(img: Image, width: number, height: number, interpolation: Interpolation): Image {
  assertSourceShape(img, 'resize');
  if (img.channels > 4) throw new ShapeError(`resize: an Image has 1 to 4 channels, got ${img.channels}`);
  const g = checkArgs(img, width, height, interpolation, 'resize');
  const out = new Uint8Array(g.dw * g.dh * g.cn);
  if (g.sw === g.dw && g.sh === g.dh) out.set(img.data);
  else resizeU8Into(out, img.data, g, interpolation);
  return { width, height, channels: img.channels, data: out };
}

/**
 * Resizes a float32 plane (any channel count) to `width x height` as `cv2.resize` does on float32
 * input: no fixed point, every operation in float32, no clamping of the values. A same-size resize
 * returns a copy.
 * @throws as {@link resize}; also ValueError when `p.data` is not a Float32Array.
 */
export function resizeFloat(p: Plane<Float32Array>, width: number, height: number, interpolation: Interpolation): Plane<Float32Array> {
  if (!(p.data instanceof Float32Array)) throw new ValueError('resizeFloat: plane data must be a Float32Array');
  assertSourceShape(p, 'resizeFloat');
  const g = checkArgs(p, width, height, interpolation, 'resizeFloat');
  const out = new Float32Array(g.dw * g.dh * g.cn);
  if (g.sw === g.dw && g.sh === g.dh) out.set(p.data);
  else resizeF32Into(out, p.data, g, interpolation);
  return { width, height, channels: p.channels, data: out };
}

/** Dispatches a uint8 resize as `cv::resize` does; returns `out`. */
function resizeU8Into(out: Uint8Array, src: Uint8Array, g: ResizeGeometry, interpolation: Interpolation): Uint8Array {
  switch (interpolation) {
    case 'nearest':
      return resizeNearest(out, src, g);
    case 'linear':
      // cv2: INTER_LINEAR with both scales exactly 2 runs INTER_AREA's fast path.
      return isExactHalf(g) ? areaFastU8(out, src, g) : resizeLinearU8(out, src, g, false);
    case 'cubic':
      return resizeCubicU8(out, src, g);
    case 'area':
      return resizeAreaU8(out, src, g);
  }
}

function resizeF32Into(out: Float32Array, src: Float32Array, g: ResizeGeometry, interpolation: Interpolation): Float32Array {
  switch (interpolation) {
    case 'nearest':
      return resizeNearest(out, src, g);
    case 'linear':
      return isExactHalf(g) ? areaFastF32(out, src, g) : resizeLinearF32(out, src, g, false);
    case 'cubic':
      return resizeCubicF32(out, src, g);
    case 'area':
      return resizeAreaF32(out, src, g);
  }
}

function checkArgs(src: Image | Plane, width: number, height: number, interpolation: string, what: string): ResizeGeometry {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ValueError(`${what}: output size must be positive integers, got ${width}x${height}`);
  }
  if (width * height * src.channels > MAX_VALUES) {
    throw new ValueError(`${what}: output ${width}x${height}x${src.channels} exceeds ${MAX_VALUES} values`);
  }
  if (!(INTERPOLATIONS as readonly string[]).includes(interpolation)) {
    throw new OptionError(`${what}: unknown interpolation '${interpolation}', expected one of ${INTERPOLATIONS.join(', ')}`);
  }
  return resizeGeometry(src.width, src.height, width, height, src.channels);
}
