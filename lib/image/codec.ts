/**
 * Image codecs: {@link decodeImage} and {@link sniffFormat} (re-exported from decode.ts, pure
 * TypeScript) plus {@link encodeImage}. Encoding PNG goes through pngjs (png_encode.ts), which needs
 * Node's zlib: a browser bundle that must not carry Node polyfills imports decode.ts, bmp.ts and
 * png.ts instead of this module (see png_encode.ts for the pngjs browser alias).
 */
import { OptionError } from '../errors.js';
import { encodeBmp } from './bmp.js';
import { IMAGE_FORMATS, type ImageFormat } from './decode.js';
import type { Image } from './image.js';
import { encodePng } from './png_encode.js';

export { decodeImage, IMAGE_FORMATS, sniffFormat } from './decode.js';
export type { ImageFormat } from './decode.js';

/**
 * Encodes an {@link Image} as PNG (8-bit, colour type from the channel count) or BMP (8-bit gray
 * palette, 24-bit RGB, or 32-bit with alpha).
 * @throws OptionError for an unknown format; ShapeError for a malformed image.
 */
export function encodeImage(image: Image, format: ImageFormat): Uint8Array {
  switch (format) {
    case 'png':
      return encodePng(image);
    case 'bmp':
      return encodeBmp(image);
    default:
      throw new OptionError(`encodeImage: unknown format ${JSON.stringify(format)} (expected ${IMAGE_FORMATS.map((f) => `'${f}'`).join(' or ')})`);
  }
}
