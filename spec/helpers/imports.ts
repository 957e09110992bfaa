/** Static import-graph inspection for the browser-safety tests. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { repoRoot } from './paths.js';

/**
 * Bare (non-relative) specifiers reachable from `entry` (a repo-relative .ts path) through relative
 * imports and re-exports, each mapped to the repo-relative file that imports it last; in order of
 * first discovery.
 */
export function externalImports(entry: string): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else found.set(spec, file.slice(repoRoot.length + 1));
    }
  };
  visit(resolve(repoRoot, entry));
  return found;
}
