import { ShapeError, ValueError } from '../errors.js';

/** Channel count of an {@link Image}: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
export type Channels = 1 | 2 | 3 | 4;

/**
 * An 8-bit image: interleaved, row-major, channels in R, G, B(, A) order (gray: G, GA).
 * Sample (x, y, c) is `data[(y * width + x) * channels + c]`.
 *
 * Note: OpenCV's `imread` returns BGR; srcnn-ts keeps RGB and maps every OpenCV conversion
 * accordingly (cv2 `COLOR_BGR2YCrCb` on BGR == {@link rgbToYCrCb} on RGB).
 */
export interface Image {
  readonly width: number;
  readonly height: number;
  readonly channels: Channels;
  readonly data: Uint8Array;
}

/**
 * A floating-point image (one or more interleaved channels), e.g. a Y plane. The value scale is
 * stated by whoever produces it (0..255 for metric inputs, 0..1 for network inputs).
 */
export interface Plane<T extends Float32Array | Float64Array = Float32Array | Float64Array> {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: T;
}

function checkDims(width: number, height: number, channels: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ShapeError(`${what}: size must be positive integers, got ${width}x${height}`);
  }
  if (!Number.isInteger(channels) || channels < 1) throw new ShapeError(`${what}: bad channel count ${channels}`);
}

/** A new zero-filled image, or one wrapping `data` (checked for length, not copied). */
export function createImage(width: number, height: number, channels: Channels, data?: Uint8Array): Image {
  checkDims(width, height, channels, 'image');
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    throw new ShapeError(`image: channels must be 1, 2, 3 or 4, got ${String(channels)}`);
  }
  const n = width * height * channels;
  if (data && data.length !== n) {
    throw new ShapeError(`image: ${width}x${height}x${channels} needs ${n} bytes, got ${data.length}`);
  }
  return { width, height, channels, data: data ?? new Uint8Array(n) };
}

/** A new zero-filled float64 plane, or one wrapping `data` (checked for length, not copied). */
export function createPlane(width: number, height: number, channels?: number): Plane<Float64Array>;
export function createPlane<T extends Float32Array | Float64Array>(width: number, height: number, channels: number, data: T): Plane<T>;
export function createPlane(width: number, height: number, channels = 1, data?: Float32Array | Float64Array): Plane {
  checkDims(width, height, channels, 'plane');
  const n = width * height * channels;
  if (data && data.length !== n) {
    throw new ShapeError(`plane: ${width}x${height}x${channels} needs ${n} values, got ${data.length}`);
  }
  return { width, height, channels, data: data ?? new Float64Array(n) };
}

/**
 * Checks that a value typed as {@link Image} really is one (positive integer size, 1-4 channels,
 * Uint8Array data of exactly width * height * channels bytes), e.g. before encoding it.
 * @throws ShapeError naming `what` and the mismatch.
 */
export function assertImage(image: Image, what: string): void {
  if (!(image?.data instanceof Uint8Array)) throw new ShapeError(`${what}: image data must be a Uint8Array`);
  try {
    createImage(image.width, image.height, image.channels, image.data);
  } catch (e) {
    if (e instanceof ShapeError) throw new ShapeError(`${what}: ${e.message}`);
    throw e;
  }
}

/** True when `x` is an {@link Image} (uint8 data). */
export function isImage(x: Image | Plane): x is Image {
  return x.data instanceof Uint8Array;
}

/** Throws a ValueError naming `what` when a plane holds NaN or Infinity. */
export function assertFinite(p: Plane, what: string): void {
  const d = p.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) {
      const px = Math.floor(i / p.channels);
      throw new ValueError(`${what}: non-finite value ${d[i]} at x=${px % p.width}, y=${Math.floor(px / p.width)}`);
    }
  }
}

/**
 * Checks the shape of an image or plane used as a resize source: positive integer size, integer
 * channel count >= 1, and exactly width * height * channels values.
 * @throws ShapeError naming `what` and the mismatch.
 */
export function assertSourceShape(src: Image | Plane, what: string): void {
  const { width, height, channels } = src;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ShapeError(`${what}: source size must be positive integers, got ${width}x${height}`);
  }
  if (!Number.isInteger(channels) || channels < 1) throw new ShapeError(`${what}: bad channel count ${channels}`);
  if (src.data.length !== width * height * channels) {
    throw new ShapeError(`${what}: a ${width}x${height}x${channels} source needs ${width * height * channels} values, got ${src.data.length}`);
  }
}
