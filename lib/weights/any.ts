import { DecodeError } from '../errors.js';
import { parseKerasH5 } from './keras_h5.js';
import { parseReferenceJson } from './reference_json.js';
import { decodeSrcnnWeights } from './safetensors.js';
import type { SrcnnWeights } from './types.js';

/** The weight file formats srcnn-ts reads. */
export type WeightsFormat = 'safetensors' | 'reference-json' | 'keras-h5';

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The format of a weights file from its first bytes: the HDF5 signature (`\x89HDF\r\n\x1a\n`);
 * safetensors (u64 LE header length that fits in the file, then `{`; tested before JSON because a
 * header length can itself begin with the bytes ` {`); or a JSON object (`{` after whitespace).
 */
export function sniffWeightsFormat(bytes: Uint8Array): WeightsFormat | null {
  if (bytes.length >= 8 && HDF5_MAGIC.every((b, i) => bytes[i] === b)) return 'keras-h5';
  if (bytes.length >= 9 && bytes[8] === 0x7b) {
    // u64 LE header length; safetensors only if the header fits in the file.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLen = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
    if (headerLen >= 2 && 8 + headerLen <= bytes.length) return 'safetensors';
  }
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (bytes[i] === 0x7b) return 'reference-json';
  return null;
}

/**
 * Decodes SRCNN weights in any supported format (sniffed from the bytes, not the name).
 * `scale` is required for Keras .h5 files, which do not record it.
 * @throws DecodeError naming `source` for unknown formats; format-specific errors otherwise.
 */
export function decodeWeights(bytes: Uint8Array, source = '<weights>', opts: { scale?: number } = {}): SrcnnWeights {
  const format = sniffWeightsFormat(bytes);
  switch (format) {
    case 'safetensors':
      return decodeSrcnnWeights(bytes, source);
    case 'reference-json':
      return parseReferenceJson(new TextDecoder('utf-8', { fatal: false }).decode(bytes), source);
    case 'keras-h5':
      if (opts.scale === undefined) throw new DecodeError(source, 'a Keras .h5 file does not record its scale; pass the scale (--scale)');
      return parseKerasH5(bytes, { scale: opts.scale }, source);
    default:
      throw new DecodeError(source, 'not a weights file (expected safetensors, SRCNN reference JSON or Keras HDF5)');
  }
}
