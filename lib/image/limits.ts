import { DecodeError } from '../errors.js';

/**
 * The largest image (width * height, in pixels) the decoders will allocate: 2^28 = 268,435,456
 * pixels (e.g. 16384 x 16384), i.e. at most 1 GiB for an RGBA result. A header that claims more
 * is treated as corrupt, so a few hundred bytes cannot make the decoder allocate gigabytes.
 */
export const MAX_DECODE_PIXELS = 2 ** 28;

/**
 * Checks the size a file header claims before anything is allocated.
 * @throws DecodeError naming `source` when a side is not a positive integer or the pixel count
 * exceeds {@link MAX_DECODE_PIXELS}.
 */
export function checkDecodeSize(width: number, height: number, source: string, format: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new DecodeError(source, `${format} header gives an empty or invalid size ${width}x${height}`);
  }
  if (width * height > MAX_DECODE_PIXELS) {
    throw new DecodeError(
      source,
      `${format} header claims ${width}x${height} = ${width * height} pixels, more than the ${MAX_DECODE_PIXELS} (2^28) ` +
        'a decoder will allocate; the file is corrupt or not meant for this library',
    );
  }
}
