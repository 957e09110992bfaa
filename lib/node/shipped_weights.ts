/**
 * The project's shipped weight files (`weights/srcnn-<arch>-x<scale>.safetensors` in the package root,
 * made by the training pipeline). The library embeds the same bytes (`lib/weights/shipped.ts`, checked
 * against these files by a test), so `srcnn({ scale })` needs no file access; these helpers are for
 * reading the files themselves. Node-only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IoError, OptionError } from '../errors.js';
import { decodeSrcnnWeights } from '../weights/safetensors.js';
import type { SrcnnWeights } from '../weights/types.js';

/** `<package>/weights`: this file is `<package>/{dist,build}/lib/node/shipped_weights.js`. */
export const SHIPPED_WEIGHTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'weights');

/** Path of the shipped weights file for `arch` at `scale` (whether or not it exists). */
export function shippedWeightsPath(scale: number, arch = '9-1-5', dir = SHIPPED_WEIGHTS_DIR): string {
  if (!Number.isSafeInteger(scale) || scale < 1) throw new OptionError(`shipped weights: scale must be a positive integer, got ${scale}`);
  if (!/^[A-Za-z0-9-]+$/.test(arch)) throw new OptionError(`shipped weights: bad architecture name '${arch}'`);
  return join(dir, `srcnn-${arch}-x${scale}.safetensors`);
}

/**
 * Reads and decodes the shipped weights for `arch` at `scale`.
 * @throws IoError naming the path (and the files that do exist) when the file is missing or unreadable.
 * @throws DecodeError / WeightsError when the file is corrupt.
 */
export function loadShippedWeights(scale = 3, arch = '9-1-5', dir = SHIPPED_WEIGHTS_DIR): SrcnnWeights {
  const path = shippedWeightsPath(scale, arch, dir);
  let bytes: Uint8Array;
  try {
    const buf = readFileSync(path);
    // A plain Uint8Array view: Node Buffers' slice() shares memory, where Uint8Array's copies.
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    let have: string[] = [];
    try {
      have = readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort();
    } catch {
      // no weights directory at all
    }
    const hint = have.length > 0 ? `shipped weights are: ${have.join(', ')}` : `no weights are shipped in ${dir}`;
    throw new IoError(path, `no shipped SRCNN weights for ${arch} x${scale} (${hint}); pass weights explicitly, e.g. srcnn({ weights: decodeSrcnnWeights(bytes) })`, { cause: e });
  }
  return decodeSrcnnWeights(bytes, path);
}
