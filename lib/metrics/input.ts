/**
 * Input checks shared by the metrics: what a metric accepts, shape agreement, finiteness, and
 * scikit-image's dtype-based default data range (option keys: lib/util/options.ts).
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { assertFinite, isImage, type Image, type Plane } from '../image/image.js';

/**
 * What every metric accepts: an 8-bit {@link Image} or a float {@link Plane}, any channel count,
 * interleaved. Mixing the two is allowed (as numpy promotes mixed dtypes); defaults that depend on
 * the type (the data range) follow the first argument, as scikit-image's do.
 */
export type MetricInput = Image | Plane;

/** `[height, width, channels]`, the numpy shape scikit-image sees. */
function shapeOf(x: MetricInput): [number, number, number] {
  return [x.height, x.width, x.channels];
}

function checkOne(x: MetricInput, fn: string, name: string): void {
  const n = x.width * x.height * x.channels;
  if (!(Number.isInteger(n) && n > 0) || x.data.length !== n) {
    throw new ShapeError(`${fn}: ${name} claims shape ${fmtShape(shapeOf(x))} but holds ${x.data.length} values`);
  }
  if (!isImage(x)) assertFinite(x, `${fn}: ${name}`);
}

/**
 * Checks that `a` and `b` have the same `[H, W, C]` and hold no NaN/Infinity.
 * @throws ShapeError naming both shapes; ValueError naming the first non-finite value.
 */
export function checkPair(a: MetricInput, b: MetricInput, fn: string): void {
  checkOne(a, fn, 'first input');
  checkOne(b, fn, 'second input');
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new ShapeError(
      `${fn}: input shapes differ: ${fmtShape(shapeOf(a))} vs ${fmtShape(shapeOf(b))} ([height, width, channels])`,
    );
  }
}

/** Validates an explicit data range: a finite number > 0. */
export function checkDataRange(r: number, fn: string): number {
  if (typeof r !== 'number' || !Number.isFinite(r) || r <= 0) {
    throw new ValueError(`${fn}: dataRange must be a finite number > 0, got ${String(r)}`);
  }
  return r;
}

/**
 * scikit-image's `dtype_range` of an input: `[0, 255]` for uint8 ({@link Image}) and `[-1, 1]` for
 * float32/float64 ({@link Plane}).
 */
export function dtypeRange(x: MetricInput): readonly [number, number] {
  return isImage(x) ? [0, 255] : [-1, 1];
}
