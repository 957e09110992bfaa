import { basename, resolve } from 'node:path';
import { SrcnnError } from '../../errors.js';
import { encodePng } from '../../image/png_encode.js';
import { meanEvalResult, type EvalResult } from '../../metrics/evaluate.js';
import { readImageFile, writeFileAtomic } from '../../node/io.js';
import { shippedWeightsPath } from '../../node/shipped_weights.js';
import { evaluateModel, MODEL_PROTOCOLS } from '../../pipeline/evaluate_model.js';
import { HtmlReport } from '../../report/html.js';
import { choice, flag, int, optStr, type Parsed } from '../args.js';
import type { CliContext, Command } from '../command.js';
import { UsageError } from '../errors.js';
import { expandInputs } from '../files.js';
import { MODEL_OPTIONS, modelFromArgs } from '../model_options.js';

interface ImageScores {
  name: string;
  bicubic: EvalResult;
  srcnn: EvalResult;
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'PSNR / SSIM / MSE of bicubic and SRCNN against ground-truth images (paper or tutorial protocol)',
  usage: 'srcnn-ts eval <dir|files...> --scale N [--weights file | --arch name] [--protocol paper|tutorial] [--report report.html] [--json]',
  options: {
    scale: { type: 'string', short: 's', arg: 'n', help: 'degradation factor, required (the weights should be trained for it)' },
    protocol: {
      type: 'string', arg: 'name', default: 'paper',
      help: "paper: SRCNN demo_SR.m (MATLAB bicubic, Y channel, shave N); tutorial: Keras tutorial (OpenCV bilinear, 3 channels, shave 6)",
    },
    'tutorial-modcrop': { type: 'boolean', help: "tutorial protocol: crop as the tutorial's modcrop(img, 3), which also drops column 0" },
    report: { type: 'string', arg: 'file', help: 'also write a self-contained HTML page with the pictures and scores' },
    ...MODEL_OPTIONS,
  },
  async run(p: Parsed, ctx: CliContext) {
    const scale = int(p, 'scale', undefined, 2, 16);
    const protocol = choice(p, 'protocol', MODEL_PROTOCOLS, 'paper');
    const tutorialModcrop = flag(p, 'tutorial-modcrop');
    if (tutorialModcrop && protocol !== 'tutorial') throw new UsageError('--tutorial-modcrop needs --protocol tutorial');
    const inputs = expandInputs(p.positionals);
    const reportPath = optStr(p, 'report');
    if (reportPath !== undefined && inputs.some((i) => resolve(i) === resolve(reportPath))) {
      throw new UsageError(`--report ${reportPath} is one of the input images; choose another file`);
    }
    const weightsLabel = optStr(p, 'weights') ?? shippedWeightsPath(scale, optStr(p, 'arch') ?? '9-1-5');
    const model = await modelFromArgs(p, scale);
    const scores: ImageScores[] = [];
    const bar = ctx.progress('eval');
    try {
      const trained = (await model.weights()).meta.scale;
      if (trained !== scale) ctx.info(`warning: the weights are for x${trained}, evaluating at x${scale}`);
      const report = reportPath === undefined ? null : new HtmlReport({ protocol, scale, weights: weightsLabel, tutorialModcrop }, { encodePng });
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i]!;
        const name = basename(input);
        bar.update(i, inputs.length, name);
        try {
          const hr = await readImageFile(input);
          const r = await evaluateModel(model, hr, {
            protocol, scale, tutorialModcrop, keepImages: report !== null, signal: ctx.signal,
            onProgress: (done, total) => bar.update(i, inputs.length, `${name} (tile ${done}/${total})`),
          });
          scores.push({ name, bicubic: r.bicubic, srcnn: r.srcnn });
          report?.add(name, r);
        } catch (e) {
          // Name the image in shape/value errors from deep inside the pipeline (I/O errors name it already).
          if (e instanceof SrcnnError && e.code !== 'E_ABORT' && !e.message.includes(input)) e.message = `${input}: ${e.message}`;
          throw e;
        }
      }
      bar.update(inputs.length, inputs.length);
      if (report !== null) {
        await writeFileAtomic(reportPath!, report.render());
        bar.log(`report: ${reportPath}`);
      }
    } finally {
      bar.end();
      model.dispose();
    }
    const mean = { bicubic: meanEvalResult(scores.map((s) => s.bicubic)), srcnn: meanEvalResult(scores.map((s) => s.srcnn)) };
    if (ctx.json) {
      const j = (r: EvalResult) => ({ psnr: Number.isFinite(r.psnr) ? r.psnr : 'inf', ssim: r.ssim, mse: r.mse });
      ctx.print(JSON.stringify({
        images: scores.map((s) => ({ name: s.name, bicubic: j(s.bicubic), srcnn: j(s.srcnn) })),
        mean: { bicubic: j(mean.bicubic), srcnn: j(mean.srcnn) },
        protocol, scale, weights: weightsLabel,
      }));
      return;
    }
    const crop = protocol === 'tutorial' && tutorialModcrop ? ", tutorial's modcrop" : '';
    ctx.print(`${protocol} protocol${crop}, x${scale}, weights ${weightsLabel}`);
    for (const line of scoreTable([...scores, { name: `mean of ${scores.length}`, ...mean }], protocol === 'paper' ? 'bicubic' : 'degraded')) ctx.print(line);
  },
};

/** A fixed-width table: one row per image, the last row (the mean) after a rule. */
function scoreTable(rows: readonly ImageScores[], baseline: string): string[] {
  const nameW = Math.max(5, ...rows.map((r) => r.name.length));
  const f = (v: number, d: number, w: number) => (Number.isFinite(v) ? v.toFixed(d) : 'inf').padStart(w);
  const cols = (r: EvalResult) => `${f(r.psnr, 4, 9)} ${f(r.ssim, 5, 8)} ${f(r.mse, 3, 10)}`;
  const gain = (r: ImageScores) => {
    const d = r.srcnn.psnr - r.bicubic.psnr;
    return Number.isFinite(d) ? `${d >= 0 ? '+' : '-'}${Math.abs(d).toFixed(4)}`.padStart(9) : 'inf'.padStart(9);
  };
  const group = (label: string) => label.padEnd(29);
  const head1 = `${''.padEnd(nameW)}  ${group(baseline)}  ${group('SRCNN')}`;
  const head2 = `${'image'.padEnd(nameW)}  ${'PSNR dB'.padStart(9)} ${'SSIM'.padStart(8)} ${'MSE'.padStart(10)}  ${'PSNR dB'.padStart(9)} ${'SSIM'.padStart(8)} ${'MSE'.padStart(10)}  ${'gain dB'.padStart(9)}`;
  const line = (r: ImageScores) => `${r.name.padEnd(nameW)}  ${cols(r.bicubic)}  ${cols(r.srcnn)}  ${gain(r)}`;
  const body = rows.map(line);
  const last = body.pop()!;
  return [head1, head2, ...body, '-'.repeat(head2.length), last];
}
