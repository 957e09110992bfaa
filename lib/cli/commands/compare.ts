import { shave } from '../../image/crop.js';
import { mse, mseTutorial } from '../../metrics/mse.js';
import { psnr } from '../../metrics/psnr.js';
import { ssim } from '../../metrics/ssim.js';
import { readImageFile } from '../../node/io.js';
import { int, type Parsed } from '../args.js';
import type { CliContext, Command } from '../command.js';
import { UsageError } from '../errors.js';

export const compare: Command = {
  name: 'compare',
  summary: 'PSNR / MSE / SSIM between two images (scikit-image 0.19 defaults; all channels)',
  usage: 'srcnn-ts compare <a> <b> [--shave N]',
  options: {
    shave: { type: 'string', arg: 'px', help: 'pixels removed from every side of both images first', default: '0' },
  },
  async run(p: Parsed, ctx: CliContext) {
    if (p.positionals.length !== 2) throw new UsageError(`compare takes exactly two images, got ${p.positionals.length}`);
    const [pa, pb] = p.positionals as [string, string];
    const border = int(p, 'shave', 0, 0);
    let a = await readImageFile(pa);
    let b = await readImageFile(pb);
    if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
      throw new UsageError(`${pa} is ${a.width}x${a.height}x${a.channels} but ${pb} is ${b.width}x${b.height}x${b.channels}; the images must have the same size and channels`);
    }
    a = shave(a, border);
    b = shave(b, border);
    const r = { psnr: psnr(a, b), mse: mse(a, b), ssim: ssim(a, b), mseTutorial: mseTutorial(a, b) };
    if (ctx.json) ctx.print(JSON.stringify({ a: pa, b: pb, shave: border, ...r, psnr: Number.isFinite(r.psnr) ? r.psnr : 'inf' }));
    else ctx.print(`PSNR ${r.psnr.toFixed(4)} dB  MSE ${r.mse.toFixed(4)}  SSIM ${r.ssim.toFixed(6)}  (tutorial MSE ${r.mseTutorial.toFixed(4)})`);
  },
};
