/** Locations tests read from. Compiled specs live in build/spec, sources in spec/. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url)); // build/spec/helpers
/** The repository root. */
export const repoRoot = resolve(here, '..', '..', '..');
/** spec/fixtures in the source tree (JSON and small binary fixtures are read from here, not build/). */
export const fixturesDir = resolve(repoRoot, 'spec', 'fixtures');
/** ../shared beside the checkout (reference data; CI has it). */
export const sharedDir = resolve(repoRoot, '..', 'shared');
/** True when ../shared is present. */
export const hasShared = existsSync(resolve(sharedDir, 'data'));
