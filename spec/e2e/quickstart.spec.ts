/**
 * The README quick start, as written: `npx srcnn-ts upscale examples/testcard.png -o <out> --scale 3`
 * runs the package's own executable (which must therefore be executable) with the shipped weights.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '../../lib/image/decode.js';
import { repoRoot } from '../helpers/paths.js';

describe('README quick start', function () {
  this.timeout(120_000);
  it('the srcnn-ts bin is executable', () => {
    expect(statSync(join(repoRoot, 'dist', 'lib', 'cli', 'bin.js')).mode & 0o111).to.not.equal(0);
  });
  it('npx srcnn-ts upscale examples/testcard.png --scale 3 writes the x3 image', () => {
    const dir = mkdtempSync(join(tmpdir(), 'srcnn-quickstart-'));
    try {
      const out = join(dir, 'testcard_x3.png');
      const r = spawnSync('npx', ['--no-install', 'srcnn-ts', 'upscale', 'examples/testcard.png', '-o', out, '--scale', '3', '--quiet'], {
        cwd: repoRoot, encoding: 'utf8', timeout: 110_000,
      });
      expect(r.status, r.stderr).to.equal(0);
      const img = decodeImage(new Uint8Array(readFileSync(out)), out);
      expect([img.width, img.height, img.channels]).to.deep.equal([576, 432, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
