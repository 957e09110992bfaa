/**
 * `srcnn-ts train` end to end: the built CLI (build/lib/cli/bin.js) in a child process, on a
 * temporary folder of three generated 48x48 PNGs, with a 3-step run on the js backend and an
 * export of that run.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createImage, type Image } from '../../../lib/image/image.js';
import { encodePng } from '../../../lib/image/png_encode.js';
import { decodeWeights } from '../../../lib/weights/any.js';
import { runCli, type CliRun } from '../../helpers/cli.js';

/** A deterministic RGB test picture: smooth gradients plus a diagonal stripe pattern. */
function picture(w: number, h: number, phase: number): Image {
  const img = createImage(w, h, 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const stripe = ((x + y + phase) >> 2) & 1 ? 60 : 0;
      img.data[i] = (x * 5 + stripe) & 255;
      img.data[i + 1] = (y * 5 + phase * 30) & 255;
      img.data[i + 2] = (128 + stripe + phase * 20) & 255;
    }
  }
  return img;
}

function expectOk(r: CliRun): void {
  expect(r.code, `stderr: ${r.stderr}`).to.equal(0);
}

describe('cli train', function () {
  this.timeout(60_000);
  let dir = '';
  let images = '';
  let run = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'srcnn-train-'));
    images = join(dir, 'images');
    run = join(dir, 'run');
    mkdirSync(images);
    for (let k = 0; k < 3; k++) writeFileSync(join(images, `img${k}.png`), encodePng(picture(48, 48, k)));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help lists the training options', () => {
    const r = runCli('train', '--help');
    expectOk(r);
    for (const opt of ['--scale', '--arch', '--data', '--val', '--patch', '--batch', '--optimizer', '--schedule', '--steps', '--epochs', '--resume', '--init-from', '--export', '--set14', '--backend']) {
      expect(r.stdout, opt).to.include(`${opt} `);
    }
  });

  for (const [args, option] of [[['--bogus'], '--bogus'], [['--scale', '0'], '--scale'], [['--optimizer', 'rmsprop'], '--optimizer'], [['--lr', 'fast'], '--lr']] as const) {
    it(`bad usage ${args.join(' ')} exits 2 naming ${option}`, () => {
      const r = runCli('train', ...args, '--out', run);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include(option);
      expect(existsSync(run), 'no run directory for bad usage').to.equal(false);
    });
  }

  it('a 3-step run writes last.safetensors and log.jsonl, then --export writes weights with metadata', () => {
    const r = runCli('train', '--data', images, '--val', images, '--out', run, '--scale', '2', '--steps', '3', '--batch', '2',
      '--patch', '21', '--val-every', '3', '--log-every', '1', '--backend', 'js', '--json');
    expectOk(r);
    const summary = JSON.parse(r.stdout) as { steps: number; bestStep: number | null };
    expect(summary.steps).to.equal(3);
    expect(summary.bestStep).to.equal(3);
    expect(existsSync(join(run, 'last.safetensors'))).to.equal(true);
    expect(existsSync(join(run, 'best.safetensors'))).to.equal(true);
    const log = readFileSync(join(run, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; step?: number });
    expect(log.map((l) => l.type)).to.deep.equal(['start', 'train', 'train', 'train', 'val', 'end']);

    const target = join(dir, 'exported', 'w.safetensors');
    const e = runCli('train', '--out', run, '--export', target, '--backend', 'js');
    expectOk(e);
    expect(e.stdout).to.include('(step 3)');
    const w = decodeWeights(new Uint8Array(readFileSync(target)), target);
    expect(w.meta.architecture).to.equal('9-1-5');
    expect(w.meta.scale).to.equal(2);
    expect(w.meta.colour).to.equal('matlab-y');
    expect(w.meta['steps']).to.equal(3);
    expect(String(w.meta['training_command'])).to.match(/^srcnn-ts train --data .* --steps 3 /);
    expect(w.layers.map((l) => l.spec.kernel[0])).to.deep.equal([9, 1, 5]);
  });
});
