/** Reading weight files from disk (Node-only). */
import { readFile } from 'node:fs/promises';
import { IoError } from '../errors.js';
import { decodeWeights } from '../weights/any.js';
import type { SrcnnWeights } from '../weights/types.js';

/**
 * Reads a weights file in any supported format (safetensors, reference JSON, Keras .h5).
 * @throws IoError naming the path when it cannot be read; DecodeError/WeightsError when corrupt.
 */
export async function readWeightsFile(path: string, opts: { scale?: number } = {}): Promise<SrcnnWeights> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new IoError(path, `cannot read the weights file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { cause: e });
  }
  return decodeWeights(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path, opts);
}
