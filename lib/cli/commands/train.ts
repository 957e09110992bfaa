import { resolve } from 'node:path';
import { createNodeBackend } from '../../node/wasm_workers.js';
import { exportRun, TRAIN_INITS, TRAIN_OPTIMIZERS, TRAIN_SCHEDULES, trainRun, type TrainSettings } from '../../node/train_run.js';
import { choice, flag, int, optInt, optStr, type Parsed } from '../args.js';
import type { CliContext, Command } from '../command.js';
import { UsageError } from '../errors.js';

/** A finite number option within [min, max], or undefined when not given. */
function optNum(p: Parsed, name: string, min: number, max = Number.POSITIVE_INFINITY): number | undefined {
  const v = p.values[name];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number in [${min}, ${max}], got '${String(v)}'`);
  return n;
}

/** A choice option, or undefined when not given (so a resumed run keeps its stored value). */
function optChoice<T extends string>(p: Parsed, name: string, choices: readonly T[]): T | undefined {
  return p.values[name] === undefined ? undefined : choice(p, name, choices, choices[0]!);
}

/** A flag, or undefined when not given. */
function optFlag(p: Parsed, name: string): true | undefined {
  return flag(p, name) ? true : undefined;
}

/**
 * The command line as the user typed it, recorded in checkpoints and exported weights:
 * `node build/tools/train.js ...` through the shim, else `srcnn-ts train ...`.
 */
function invocation(): string {
  const viaShim = /tools[\\/]train\.js$/.test(process.argv[1] ?? '');
  return (viaShim ? ['node', 'build/tools/train.js', ...process.argv.slice(2)] : ['srcnn-ts', ...process.argv.slice(2)]).join(' ');
}

export const train: Command = {
  name: 'train',
  summary: 'train SRCNN on a folder of images into a run directory, or --export a run as weights',
  usage: 'srcnn-ts train [--out runs/x2] [--scale N] [--arch 9-1-5] [options] | srcnn-ts train --out DIR --export FILE [--set14]',
  options: {
    out: { type: 'string', arg: 'dir', help: 'run directory (last/best.safetensors, log.jsonl)', default: 'runs/train' },
    scale: { type: 'string', arg: 'n', help: 'upscaling factor, 2-16', default: '2' },
    arch: { type: 'string', arg: 'name', help: 'architecture, e.g. 9-1-5, 9-3-5, 9-5-5', default: '9-1-5' },
    data: { type: 'string', arg: 'dir', help: 'training images (.bmp/.png)', default: '../shared/data/T91' },
    val: { type: 'string', arg: 'dir', help: 'validation images (.bmp/.png), paper protocol', default: '../shared/data/Set5' },
    patch: { type: 'string', arg: 'px', help: 'input patch side', default: '33' },
    stride: { type: 'string', arg: 'px', help: 'patch extraction stride', default: '14' },
    batch: { type: 'string', arg: 'n', help: 'patches per mini-batch', default: '64' },
    augment: { type: 'boolean', help: 'random flips and 90-degree rotations of each patch' },
    seed: { type: 'string', arg: 'n', help: 'seed of the initialisation and the patch order', default: '1' },
    optimizer: { type: 'string', arg: 'name', help: TRAIN_OPTIMIZERS.join(' | '), default: 'adam' },
    lr: { type: 'string', arg: 'x', help: 'base learning rate', default: '1e-3' },
    momentum: { type: 'string', arg: 'x', help: 'SGD momentum', default: '0.9' },
    'paper-lr-ratio': { type: 'boolean', help: "the paper's 10x smaller learning rate for the last layer" },
    schedule: { type: 'string', arg: 'name', help: TRAIN_SCHEDULES.join(' | '), default: 'cosine' },
    'min-lr': { type: 'string', arg: 'x', help: 'final learning rate of the cosine schedule', default: '1e-5' },
    'decay-every': { type: 'string', arg: 'n', help: 'step schedule: steps between decays', default: '10000' },
    gamma: { type: 'string', arg: 'x', help: 'step schedule: decay factor', default: '0.5' },
    steps: { type: 'string', arg: 'n', help: 'total steps (default: the checkpoint\'s, else 100 epochs)' },
    epochs: { type: 'string', arg: 'x', help: 'total steps as epochs of the training data (--steps wins)' },
    init: { type: 'string', arg: 'name', help: `${TRAIN_INITS.join(' | ')} (paper: Gaussian std 0.001; he: He normal)`, default: 'paper' },
    'init-from': { type: 'string', arg: 'file', help: 'start from a weights file or checkpoint (e.g. fine-tune x3 from x2)' },
    'val-every': { type: 'string', arg: 'n', help: 'validate every n steps (0: only at the end)', default: '1000' },
    'log-every': { type: 'string', arg: 'n', help: 'log the mean loss every n steps', default: '100' },
    'checkpoint-seconds': { type: 'string', arg: 's', help: 'write last.safetensors at least this often', default: '120' },
    resume: { type: 'boolean', help: 'continue from <out>/last.safetensors with its stored settings (given options override them)' },
    backend: { type: 'string', arg: 'name', help: 'auto | js | wasm-simd', default: 'auto' },
    threads: { type: 'string', arg: 'n', help: 'worker threads for the backend', default: '1' },
    export: { type: 'string', arg: 'file', help: 'instead of training: write the run\'s checkpoint as a weights file' },
    from: { type: 'string', arg: 'file', help: 'with --export: the checkpoint to export (default: <out>/best.safetensors)' },
    set14: { type: 'boolean', help: 'with --export: also score Set14 into the metadata' },
  },
  async run(p: Parsed, ctx: CliContext) {
    if (p.positionals.length > 0) throw new UsageError(`unexpected argument '${p.positionals[0]}'`);
    const outDir = resolve(optStr(p, 'out') ?? 'runs/train');
    const backendName = choice(p, 'backend', ['auto', 'js', 'wasm-simd'] as const, 'auto');
    const threads = int(p, 'threads', 1, 1, 64);
    const target = optStr(p, 'export');
    // Validate every training option before any work, so bad usage fails fast.
    const settings: TrainSettings = {
      scale: optInt(p, 'scale', 2, 16),
      arch: optStr(p, 'arch'),
      data: optStr(p, 'data'),
      val: optStr(p, 'val'),
      patch: optInt(p, 'patch', 3),
      stride: optInt(p, 'stride', 1),
      batch: optInt(p, 'batch', 1),
      augment: optFlag(p, 'augment'),
      seed: optInt(p, 'seed', 0),
      optimizer: optChoice(p, 'optimizer', TRAIN_OPTIMIZERS),
      lr: optNum(p, 'lr', Number.MIN_VALUE),
      momentum: optNum(p, 'momentum', 0, 1),
      paperLrRatio: optFlag(p, 'paper-lr-ratio'),
      schedule: optChoice(p, 'schedule', TRAIN_SCHEDULES),
      minLr: optNum(p, 'min-lr', 0),
      decayEvery: optInt(p, 'decay-every', 1),
      gamma: optNum(p, 'gamma', Number.MIN_VALUE),
      steps: optInt(p, 'steps', 1),
      epochs: optNum(p, 'epochs', Number.MIN_VALUE),
      init: optChoice(p, 'init', TRAIN_INITS),
      initFrom: optStr(p, 'init-from'),
    };
    const logEvery = int(p, 'log-every', 100, 1);
    const valEvery = int(p, 'val-every', 1000, 0);
    const checkpointSeconds = optNum(p, 'checkpoint-seconds', 0) ?? 120;
    if (target === undefined && (optStr(p, 'from') !== undefined || flag(p, 'set14'))) throw new UsageError('--from and --set14 need --export');

    const backend = createNodeBackend({ backend: backendName, threads });
    try {
      if (target !== undefined) {
        const from = optStr(p, 'from');
        const r = exportRun({ outDir, target: resolve(target), ...(from !== undefined ? { from: resolve(from) } : {}), set14: flag(p, 'set14'), backend });
        if (ctx.json) {
          ctx.print(JSON.stringify({ from: r.from, step: r.step, weights: r.target, scale: r.scale, set5: { psnr: r.set5.psnr, ssim: r.set5.ssim }, ...(r.set14 ? { set14: { psnr: r.set14.psnr, ssim: r.set14.ssim } } : {}) }));
          return;
        }
        ctx.print(`exported ${r.from} (step ${r.step}) -> ${r.target}`);
        ctx.print(`Set5  x${r.scale}: ${r.set5.psnr.toFixed(4)} dB / ${r.set5.ssim.toFixed(5)}`);
        if (r.set14) ctx.print(`Set14 x${r.scale}: ${r.set14.psnr.toFixed(4)} dB / ${r.set14.ssim.toFixed(5)}`);
        return;
      }
      const summary = await trainRun({
        outDir, settings, resume: flag(p, 'resume'), command: invocation(), logEvery, valEvery, checkpointSeconds, backend,
        signal: ctx.signal,
        report: { info: ctx.info, tty: process.stderr.isTTY === true && !ctx.quiet && !ctx.json, progress: ctx.progress('train') },
      });
      if (ctx.json) ctx.print(JSON.stringify({ run: outDir, ...summary }));
    } finally {
      backend.dispose();
    }
  },
};
