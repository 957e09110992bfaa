/**
 * Readers for the reference material in ../shared (read at run time, never copied into the repo).
 * Callers guard their suites with `hasShared` from ./paths.js.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../lib/image/codec.js';
import type { Image } from '../../lib/image/image.js';
import { parseReferenceJson } from '../../lib/weights/reference_json.js';
import type { SrcnnWeights } from '../../lib/weights/types.js';
import { sharedDir } from './paths.js';

/** Decodes ../shared/data/<rel> (e.g. `Set5/butterfly_GT.bmp`); decode errors name `rel`. */
export function readSharedImage(rel: string): Image {
  return decodeImage(readFileSync(join(sharedDir, 'data', rel)), rel);
}

/** Parses the neutral JSON weights ../shared/reference-weights/<dir>/<file> (default `<dir>.json`). */
export function readReferenceWeights(dir: string, file = `${dir}.json`): SrcnnWeights {
  return parseReferenceJson(readFileSync(join(sharedDir, 'reference-weights', dir, file), 'utf8'), file);
}
