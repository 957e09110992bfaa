/** Input expansion and output naming for batch commands. */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { ImageFormat } from '../image/codec.js';
import { formatFromPath } from '../node/io.js';
import { UsageError } from './errors.js';

/**
 * Expands the positional inputs: files are kept as given, directories contribute their `.png`/`.bmp`
 * files (sorted, not recursive). A missing path is a usage error naming it.
 */
export function expandInputs(inputs: readonly string[]): string[] {
  if (inputs.length === 0) throw new UsageError('no input files given');
  const out: string[] = [];
  for (const p of inputs) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`input '${p}' does not exist`);
    }
    if (st.isDirectory()) {
      const found = readdirSync(p).filter((f) => formatFromPath(f) !== null).sort().map((f) => join(p, f));
      if (found.length === 0) throw new UsageError(`input directory '${p}' has no .png or .bmp files`);
      out.push(...found);
    } else {
      out.push(p);
    }
  }
  return out;
}

function isDirLike(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return p.endsWith('/') || formatFromPath(p) === null;
  }
}

/**
 * Output path of each input. `-o` names a file when there is one input and it has an image
 * extension; otherwise it is a directory (created by the caller). Without `-o`, outputs go beside
 * their inputs. Names are `<stem><suffix>.<ext>`.
 */
export function outputPaths(inputs: readonly string[], out: string | undefined, suffix: string, format: ImageFormat | undefined): { paths: string[]; dir: string | null } {
  const ext = (input: string): string => format ?? formatFromPath(input) ?? 'png';
  const named = (input: string, dir: string): string => join(dir, `${basename(input, extname(input))}${suffix}.${ext(input)}`);
  if (out !== undefined && inputs.length === 1 && !isDirLike(out)) return { paths: [out], dir: null };
  if (out !== undefined) return { paths: inputs.map((i) => named(i, out)), dir: out };
  return { paths: inputs.map((i) => named(i, dirname(i))), dir: null };
}
