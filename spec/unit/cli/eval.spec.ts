/**
 * `srcnn-ts eval` end to end: the built CLI (build/lib/cli/bin.js) in a child process on a temporary
 * folder with two small generated PNGs and a tiny weights file.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJsBackend } from '../../../lib/backend/js.js';
import { createImage, type Image } from '../../../lib/image/image.js';
import { encodePng } from '../../../lib/image/png_encode.js';
import { evaluateModel } from '../../../lib/pipeline/evaluate_model.js';
import { srcnn } from '../../../lib/pipeline/srcnn.js';
import { encodeSrcnnWeights } from '../../../lib/weights/safetensors.js';
import type { SrcnnWeights } from '../../../lib/weights/types.js';
import { runCli, type CliRun } from '../../helpers/cli.js';

/** A 3x3 'same' sharpening layer for x2 (centre 1.8, edges -0.2; sums to 1). */
function sharpen(): SrcnnWeights {
  const weights = Float32Array.of(0, -0.2, 0, -0.2, 1.8, -0.2, 0, -0.2, 0);
  return {
    layers: [{ spec: { kernel: [3, 3], in: 1, out: 1, padding: 'same', paddingMode: 'replicate', activation: 'linear' }, weights, bias: Float32Array.of(0) }],
    meta: { architecture: '3', scale: 2, colour: 'matlab-y', name: 'sharpen' },
  };
}

function picture(w: number, h: number, phase: number): Image {
  const img = createImage(w, h, 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) img.data[(y * w + x) * 3 + c] = Math.round(120 + 90 * Math.sin((x + phase + c) / 2.3) * Math.cos((y - phase) / 3.7));
    }
  }
  return img;
}

const cli = (...args: string[]): CliRun => runCli('eval', ...args);

interface Scores {
  psnr: number;
  ssim: number;
  mse: number;
}

describe('cli: srcnn-ts eval', function () {
  this.timeout(120_000);
  let dir: string;
  let weightsFile: string;
  const pics = [picture(34, 30, 0), picture(40, 32, 5)];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'srcnn-eval-'));
    writeFileSync(join(dir, 'b.png'), encodePng(pics[1]!));
    writeFileSync(join(dir, 'a.png'), encodePng(pics[0]!));
    weightsFile = join(dir, 'tiny.safetensors');
    writeFileSync(weightsFile, encodeSrcnnWeights(sharpen()));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json prints per-image and mean scores in the documented shape, equal to evaluateModel', async () => {
    const r = cli(dir, '--scale', '2', '--weights', weightsFile, '--backend', 'js', '--json');
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as {
      images: { name: string; bicubic: Scores; srcnn: Scores }[];
      mean: { bicubic: Scores; srcnn: Scores };
      protocol: string;
      scale: number;
      weights: string;
    };
    expect(Object.keys(out)).to.deep.equal(['images', 'mean', 'protocol', 'scale', 'weights']);
    expect([out.protocol, out.scale, out.weights]).to.deep.equal(['paper', 2, weightsFile]);
    expect(out.images.map((i) => i.name)).to.deep.equal(['a.png', 'b.png']);
    const model = srcnn({ weights: sharpen(), backend: createJsBackend() });
    for (let i = 0; i < 2; i++) {
      const img = out.images[i]!;
      expect(Object.keys(img)).to.deep.equal(['name', 'bicubic', 'srcnn']);
      expect(Object.keys(img.srcnn)).to.deep.equal(['psnr', 'ssim', 'mse']);
      const want = await evaluateModel(model, pics[i]!, { protocol: 'paper', scale: 2 });
      expect(img.bicubic).to.deep.equal(want.bicubic);
      expect(img.srcnn).to.deep.equal(want.srcnn);
    }
    for (const k of ['psnr', 'ssim', 'mse'] as const) {
      expect(out.mean.bicubic[k]).to.be.closeTo((out.images[0]!.bicubic[k] + out.images[1]!.bicubic[k]) / 2, 1e-12);
      expect(out.mean.srcnn[k]).to.be.closeTo((out.images[0]!.srcnn[k] + out.images[1]!.srcnn[k]) / 2, 1e-12);
    }
  });

  it('prints a table by default and writes an HTML report with --report', () => {
    const report = join(dir, 'report.html');
    const r = cli(join(dir, 'a.png'), join(dir, 'b.png'), '-s', '2', '--weights', weightsFile, '--backend', 'js', '--protocol', 'tutorial', '--report', report);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal(`tutorial protocol, x2, weights ${weightsFile}`);
    expect(lines[2]).to.match(/^image\s+PSNR dB\s+SSIM\s+MSE\s+PSNR dB\s+SSIM\s+MSE\s+gain dB$/);
    expect(lines[3]).to.match(/^a\.png\s+\d+\.\d{4}\s+0\.\d{5}\s+\d+\.\d{3}\s+\d+\.\d{4}\s+0\.\d{5}\s+\d+\.\d{3}\s+[+-]\d+\.\d{4}$/);
    expect(lines[4]).to.match(/^b\.png\s/);
    expect(lines.at(-1)).to.match(/^mean of 2\s/);
    expect(r.stderr).to.include(`report: ${report}`);
    const html = readFileSync(report, 'utf8');
    expect((html.match(/<img /g) ?? []).length).to.equal(12);
    expect(html).to.include('Degraded (bilinear)');
  });

  it('exits 2 on bad usage', () => {
    const cases: [string[], RegExp][] = [
      [[dir, '--weights', weightsFile], /missing required option --scale/],
      [[dir, '--scale', '2', '--weights', weightsFile, '--protocol', 'basicsr'], /--protocol must be one of paper, tutorial; got 'basicsr'/],
      [[dir, '--scale', '2', '--weights', weightsFile, '--tutorial-modcrop'], /--tutorial-modcrop needs --protocol tutorial/],
      [[dir, '--scale', 'two', '--weights', weightsFile], /--scale must be an integer/],
      [[join(dir, 'missing.png'), '--scale', '2', '--weights', weightsFile], /missing\.png' does not exist/],
      [[join(dir, 'a.png'), '--scale', '2', '--weights', weightsFile, '--report', join(dir, 'a.png')], /is one of the input images/],
      [['--scale', '2'], /no input files/],
    ];
    for (const [args, msg] of cases) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr, args.join(' ')).to.match(msg);
    }
  });

  it('exits 1 naming an unreadable image (and reports it as JSON with --json)', () => {
    const bad = join(dir, 'broken.png');
    writeFileSync(bad, Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0));
    try {
      const r = cli(join(dir, 'a.png'), bad, '--scale', '2', '--weights', weightsFile, '--backend', 'js');
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include(bad);
      const j = cli(bad, '--scale', '2', '--weights', weightsFile, '--json');
      expect(j.code).to.equal(1);
      const err = (JSON.parse(j.stdout) as { error: { code: number; message: string } }).error;
      expect(err.code).to.equal(1);
      expect(err.message).to.include(bad);
      const w = cli(join(dir, 'a.png'), '--scale', '2', '--weights', join(dir, 'nope.safetensors'));
      expect(w.code).to.equal(1);
      expect(w.stderr).to.include('nope.safetensors');
    } finally {
      rmSync(bad);
    }
  });

  it('warns when the weights were made for another scale', () => {
    const r = cli(join(dir, 'a.png'), '--scale', '3', '--weights', weightsFile, '--backend', 'js', '--json');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.include('warning: the weights are for x2, evaluating at x3');
  });
});
