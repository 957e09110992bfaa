/**
 * Format-independent image decoding, pure TypeScript (browser-safe: no Node built-ins, no pngjs).
 * The format is always sniffed from the magic bytes, never taken from a file name. Supported: PNG
 * (png.ts) and BMP (bmp.ts); both keep the channel count of the file (gray stays 1 channel).
 * codec.ts re-exports this module and adds {@link encodeImage}.
 */
import { DecodeError, ValueError } from '../errors.js';
import { decodeBmp, isBmp } from './bmp.js';
import type { Image } from './image.js';
import { decodePng, isPng } from './png.js';

/** Container formats srcnn-ts reads and writes. */
export type ImageFormat = 'png' | 'bmp';

/** The container formats srcnn-ts reads and writes. */
export const IMAGE_FORMATS: readonly ImageFormat[] = ['png', 'bmp'];

/** Magic numbers of common formats that are recognised only to name them in the error message. */
/** `null` matches any byte. */
const UNSUPPORTED: ReadonlyArray<{ name: string; magic: ReadonlyArray<number | null> }> = [
  { name: 'JPEG', magic: [0xff, 0xd8, 0xff] },
  { name: 'GIF', magic: [0x47, 0x49, 0x46, 0x38] },
  { name: 'TIFF', magic: [0x49, 0x49, 0x2a, 0x00] },
  { name: 'TIFF', magic: [0x4d, 0x4d, 0x00, 0x2a] },
  { name: 'WebP', magic: [0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x45, 0x42, 0x50] }, // RIFF....WEBP
  { name: 'QOI', magic: [0x71, 0x6f, 0x69, 0x66] },
];

/**
 * The format of an encoded image, from its first bytes: PNG signature `89 50 4E 47 0D 0A 1A 0A`,
 * BMP `42 4D` ("BM"). Returns null for anything else (including empty input).
 */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  if (isPng(bytes)) return 'png';
  if (isBmp(bytes)) return 'bmp';
  return null;
}

/**
 * Decodes a PNG or BMP file into an 8-bit {@link Image} (RGB(A) order, the file's channel count).
 * @param bytes - the whole file.
 * @param source - named in error messages; pass the file path.
 * @throws DecodeError naming `source` for empty, truncated, corrupt, oversized or unsupported input.
 * @throws ValueError when `bytes` is not a Uint8Array.
 */
export function decodeImage(bytes: Uint8Array, source = '<buffer>'): Image {
  if (!(bytes instanceof Uint8Array)) throw new ValueError(`decodeImage: ${source}: expected a Uint8Array of file bytes`);
  if (bytes.length === 0) throw new DecodeError(source, 'empty file (0 bytes)');
  switch (sniffFormat(bytes)) {
    case 'png':
      return decodePng(bytes, source);
    case 'bmp':
      return decodeBmp(bytes, source);
    default: {
      const known = UNSUPPORTED.find((f) => f.magic.every((b, i) => i < bytes.length && (b === null || bytes[i] === b)));
      const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new DecodeError(
        source,
        known
          ? `${known.name} images are not supported (only PNG and BMP); convert the file first`
          : `unrecognised image format (first bytes: ${head}); only PNG and BMP are supported`,
      );
    }
  }
}
