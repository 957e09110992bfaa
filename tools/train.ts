/**
 * Trains SRCNN on a folder of images (default ../shared/data/T91) and exports shipped weights.
 *
 *   node build/tools/train.js --scale 2 --arch 9-1-5 --optimizer adam --lr 1e-3 --schedule cosine \
 *     --batch 64 --steps 40000 --augment --val-every 1000 --out runs/x2 [--resume] [--init-from FILE] \
 *     [--patch 33 --stride 14] [--backend auto] [--threads 1]
 *   node build/tools/train.js --out runs/x2 --export weights/srcnn-9-1-5-x2.safetensors [--set14]
 *
 * A run directory holds `last.safetensors` (written every --checkpoint-seconds and at the end),
 * `best.safetensors` (the checkpoint with the best Set5 PSNR so far) and `log.jsonl` (one JSON object
 * per log interval, validation, start and end). `--resume` continues from `last.safetensors` with the
 * configuration stored in it (options given on the command line override it; unchanged options give
 * a bit-identical continuation). SIGINT/SIGTERM stop after the current step and save `last`.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createNodeBackend } from '../lib/node/wasm_workers.js';
import type { Backend } from '../lib/backend/backend.js';
import { OptionError } from '../lib/errors.js';
import { matlabYU8 } from '../lib/image/color.js';
import { createPlane, type Plane } from '../lib/image/image.js';
import { decodeImage } from '../lib/image/codec.js';
import { architecture } from '../lib/model/index.js';
import type { Sequential } from '../lib/nn/sequential.js';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../lib/train/checkpoint.js';
import { PatchSampler, datasetChecksum, extractPatches, makeTrainingPair, type DataFile } from '../lib/train/data.js';
import { Trainer, runTraining, type ValidationResult } from '../lib/train/loop.js';
import { copyParams, createInferenceNet, createTrainingNet, type InitialLayer, heStd, paperLrMultipliers, specsMargin } from '../lib/train/model.js';
import { createAdam, createSgd, type LrSchedule, type Optimizer } from '../lib/train/optimizers.js';
import { evaluateNet, prepareEvalSet, type EvalImage } from '../lib/train/validate.js';
import { decodeSafetensors, decodeSrcnnWeights, encodeSrcnnWeights } from '../lib/weights/safetensors.js';
import type { SrcnnWeights } from '../lib/weights/types.js';

const repo = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');
const shared = resolve(repo, '..', 'shared', 'data');

/** Everything that defines a run; stored in every checkpoint. */
interface RunConfig {
  scale: number;
  arch: string;
  data: string;
  val: string;
  patch: number;
  stride: number;
  batch: number;
  augment: boolean;
  seed: number;
  optimizer: 'adam' | 'sgd';
  lr: number;
  momentum: number;
  paperLrRatio: boolean;
  schedule: 'constant' | 'cosine' | 'step';
  minLr: number;
  decayEvery: number;
  gamma: number;
  steps: number;
  /** Full mini-batches per epoch (derived from the data). */
  batchesPerEpoch: number;
  init: 'paper' | 'he';
  initFrom: string | null;
  dataChecksum: string;
  commands: string[];
}

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string' }, arch: { type: 'string' }, data: { type: 'string' }, val: { type: 'string' },
    patch: { type: 'string' }, stride: { type: 'string' }, batch: { type: 'string' }, augment: { type: 'boolean' },
    seed: { type: 'string' }, optimizer: { type: 'string' }, lr: { type: 'string' }, momentum: { type: 'string' },
    'paper-lr-ratio': { type: 'boolean' }, schedule: { type: 'string' }, 'min-lr': { type: 'string' },
    'decay-every': { type: 'string' }, gamma: { type: 'string' }, steps: { type: 'string' }, epochs: { type: 'string' },
    init: { type: 'string' }, 'init-from': { type: 'string' },
    'val-every': { type: 'string' }, 'log-every': { type: 'string' }, 'checkpoint-seconds': { type: 'string' },
    out: { type: 'string' }, resume: { type: 'boolean' }, backend: { type: 'string' }, threads: { type: 'string' },
    export: { type: 'string' }, set14: { type: 'boolean' }, from: { type: 'string' },
  },
  strict: true,
});

function num(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new OptionError(`--${name} must be a number, got '${v}'`);
  return x;
}

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[], def: T): T {
  if (v === undefined) return def;
  if (!(allowed as readonly string[]).includes(v)) throw new OptionError(`--${name} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

/** Image files of a folder, sorted by name, with their bytes. */
function readFolder(dir: string): DataFile[] {
  const names = readdirSync(dir).filter((n) => ['.bmp', '.png'].includes(extname(n).toLowerCase())).sort();
  if (names.length === 0) throw new OptionError(`no .bmp/.png images in ${dir}`);
  return names.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
}

/** MATLAB `rgb2ycbcr` Y of a uint8 image, rounded to uint8 as MATLAB returns it (gray: raw), 0..255. */
function lumaOf(f: DataFile): Plane<Float64Array> {
  const img = decodeImage(f.bytes, f.name);
  return createPlane(img.width, img.height, 1, Float64Array.from(matlabYU8(img)));
}

function loadEvalSet(dir: string, scale: number): EvalImage[] {
  return prepareEvalSet(readFolder(dir).map((f) => ({ name: f.name, y: lumaOf(f) })), scale);
}

/** Writes atomically (temp file + rename) so a crash never leaves a truncated checkpoint. */
function writeAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** Initial layers from a weights file or a checkpoint (to fine-tune one scale from another). */
function loadInitLayers(path: string, specsLen: number): InitialLayer[] {
  const bytes = new Uint8Array(readFileSync(path));
  const meta = decodeSafetensors(bytes, path).metadata;
  if (meta['format']?.startsWith('srcnn-ts-checkpoint')) {
    const c = decodeCheckpoint(bytes, path);
    const layers: InitialLayer[] = [];
    for (let i = 0; i < specsLen; i++) {
      const w = c.params[`layers.${i}.weight`], b = c.params[`layers.${i}.bias`];
      if (!w || !b) throw new OptionError(`${path}: checkpoint lacks layers.${i}`);
      layers.push({ weights: w, bias: b });
    }
    return layers;
  }
  return decodeSrcnnWeights(bytes, path).layers;
}

function fmtDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = Math.floor(s % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`;
}

function makeOptimizer(cfg: RunConfig, specs: ReturnType<typeof architecture>): Optimizer {
  const lrMultipliers = cfg.paperLrRatio ? paperLrMultipliers(specs) : {};
  return cfg.optimizer === 'adam' ? createAdam({ lrMultipliers }) : createSgd({ momentum: cfg.momentum, lrMultipliers });
}

function makeSchedule(cfg: RunConfig): LrSchedule {
  if (cfg.schedule === 'cosine') return { kind: 'cosine', totalSteps: cfg.steps, minLr: cfg.minLr };
  if (cfg.schedule === 'step') return { kind: 'step', every: cfg.decayEvery, gamma: cfg.gamma };
  return { kind: 'constant' };
}

async function exportWeights(outDir: string, target: string, backend: Backend): Promise<void> {
  const src = args.from ?? join(outDir, 'best.safetensors');
  const c = decodeCheckpoint(new Uint8Array(readFileSync(src)), src);
  const cfg = c.state.config as unknown as RunConfig;
  const specs = architecture(cfg.arch);
  const layers = loadInitLayers(src, specs.length);
  const train = createTrainingNet(specs, backend, layers);
  const net = createInferenceNet(train, backend);
  const set5 = evaluateNet(net, loadEvalSet(cfg.val, cfg.scale), cfg.scale);
  const set14 = args.set14 ? evaluateNet(net, loadEvalSet(resolve(shared, 'Set14'), cfg.scale), cfg.scale) : null;
  const meta: SrcnnWeights['meta'] = {
    architecture: cfg.arch,
    scale: cfg.scale,
    colour: 'matlab-y',
    name: `srcnn-${cfg.arch}-x${cfg.scale}`,
    source: 'srcnn-ts tools/train.ts (trained from scratch in TypeScript)',
    training_command: cfg.commands.join(' && '),
    training_data: basename(cfg.data),
    data_checksum_sha256: cfg.dataChecksum,
    steps: c.state.step,
    epochs: round(c.state.step / cfg.batchesPerEpoch, 2),
    batch: cfg.batch,
    patch: cfg.patch,
    optimizer: cfg.optimizer,
    lr: cfg.lr,
    training_seconds: Math.round(c.state.elapsedSeconds),
    eval_protocol: 'paper',
    set5_psnr: round(set5.psnr, 4),
    set5_ssim: round(set5.ssim, 5),
    ...(set14 ? { set14_psnr: round(set14.psnr, 4), set14_ssim: round(set14.ssim, 5) } : {}),
    date: new Date().toISOString().slice(0, 10),
  };
  const weights = net.toWeights(meta); // 'same'/'replicate' layers, as the authors' test code
  mkdirSync(dirname(resolve(target)), { recursive: true });
  writeAtomic(target, encodeSrcnnWeights(weights));
  console.log(`exported ${src} (step ${c.state.step}) -> ${target}`);
  console.log(`Set5  x${cfg.scale}: ${set5.psnr.toFixed(4)} dB / ${set5.ssim.toFixed(5)}`);
  if (set14) console.log(`Set14 x${cfg.scale}: ${set14.psnr.toFixed(4)} dB / ${set14.ssim.toFixed(5)}`);
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

async function main(): Promise<void> {
  const outDir = resolve(args.out ?? 'runs/train');
  const backend = createNodeBackend({
    backend: oneOf('backend', args.backend, ['auto', 'js', 'wasm-simd'] as const, 'auto'),
    threads: num('threads', args.threads, 1),
  });
  try {
    if (args.export) {
      await exportWeights(outDir, resolve(args.export), backend);
      return;
    }
    await train(outDir, backend);
  } finally {
    backend.dispose();
  }
}

async function train(outDir: string, backend: Backend): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const lastPath = join(outDir, 'last.safetensors');
  const bestPath = join(outDir, 'best.safetensors');
  const logPath = join(outDir, 'log.jsonl');
  const command = ['node', 'build/tools/train.js', ...process.argv.slice(2)].join(' ');
  const resumed: Checkpoint | null = args.resume && existsSync(lastPath) ? decodeCheckpoint(new Uint8Array(readFileSync(lastPath)), lastPath) : null;
  const prev = (resumed?.state.config ?? {}) as Partial<RunConfig>;
  const pick = <K extends keyof RunConfig>(k: K, v: RunConfig[K] | undefined, def: RunConfig[K]): RunConfig[K] => v ?? prev[k] ?? def;
  const optNum = (name: keyof typeof args): number | undefined => (args[name] === undefined ? undefined : num(name, args[name] as string, 0));
  const cfg: RunConfig = {
    scale: pick('scale', optNum('scale'), 2),
    arch: pick('arch', args.arch, '9-1-5'),
    data: pick('data', args.data && resolve(args.data), resolve(shared, 'T91')),
    val: pick('val', args.val && resolve(args.val), resolve(shared, 'Set5')),
    patch: pick('patch', optNum('patch'), 33),
    stride: pick('stride', optNum('stride'), 14),
    batch: pick('batch', optNum('batch'), 64),
    augment: pick('augment', args.augment, false),
    seed: pick('seed', optNum('seed'), 1),
    optimizer: pick('optimizer', args.optimizer === undefined ? undefined : oneOf('optimizer', args.optimizer, ['adam', 'sgd'] as const, 'adam'), 'adam'),
    lr: pick('lr', optNum('lr'), 1e-3),
    momentum: pick('momentum', optNum('momentum'), 0.9),
    paperLrRatio: pick('paperLrRatio', args['paper-lr-ratio'], false),
    schedule: pick('schedule', args.schedule === undefined ? undefined : oneOf('schedule', args.schedule, ['constant', 'cosine', 'step'] as const, 'cosine'), 'cosine'),
    minLr: pick('minLr', optNum('min-lr'), 1e-5),
    decayEvery: pick('decayEvery', optNum('decay-every'), 10000),
    gamma: pick('gamma', optNum('gamma'), 0.5),
    steps: 0,
    batchesPerEpoch: 0,
    init: pick('init', args.init === undefined ? undefined : oneOf('init', args.init, ['paper', 'he'] as const, 'paper'), 'paper'),
    initFrom: pick('initFrom', args['init-from'] ? resolve(args['init-from']) : undefined, null),
    dataChecksum: '',
    commands: [...(prev.commands ?? []), command],
  };
  const specs = architecture(cfg.arch);
  const margin = specsMargin(specs);

  const t0 = performance.now();
  const files = readFolder(cfg.data);
  cfg.dataChecksum = datasetChecksum(files);
  if (prev.dataChecksum && prev.dataChecksum !== cfg.dataChecksum) console.warn(`warning: training data changed since the checkpoint (${prev.dataChecksum} -> ${cfg.dataChecksum})`);
  const pairs = files.map((f) => makeTrainingPair(lumaOf(f), cfg.scale));
  const set = extractPatches(pairs, { patchSize: cfg.patch, stride: cfg.stride, margin });
  const sampler = new PatchSampler(set, { batch: cfg.batch, seed: cfg.seed, augment: cfg.augment });
  const stepsArg = args.steps !== undefined ? num('steps', args.steps, 0) : args.epochs !== undefined ? Math.round(num('epochs', args.epochs, 0) * sampler.batchesPerEpoch) : undefined;
  cfg.batchesPerEpoch = sampler.batchesPerEpoch;
  cfg.steps = stepsArg ?? prev.steps ?? 100 * sampler.batchesPerEpoch;
  const evalSet = loadEvalSet(cfg.val, cfg.scale);
  const prepSeconds = (performance.now() - t0) / 1000;

  // on resume the checkpoint overwrites every parameter, so the initial values do not matter
  const init = !resumed && cfg.initFrom ? loadInitLayers(cfg.initFrom, specs.length) : { seed: cfg.seed, std: cfg.init === 'he' ? heStd(specs) : 0.001 };
  const net = createTrainingNet(specs, backend, init);
  const trainer = new Trainer({ net, sampler, optimizer: makeOptimizer(cfg, specs), lr: cfg.lr, schedule: makeSchedule(cfg), alloc: (n) => backend.alloc(n) });
  if (resumed) trainer.restore(resumed);
  let inference: Sequential | null = null;

  const log = (rec: Record<string, unknown>): void => appendFileSync(logPath, `${JSON.stringify({ time: new Date().toISOString(), ...rec })}\n`);
  log({ type: 'start', resumedFromStep: resumed ? resumed.state.step : null, config: cfg, patches: set.count, batchesPerEpoch: sampler.batchesPerEpoch, backend: backend.name, threads: backend.threads, prepSeconds });
  const tty = process.stdout.isTTY === true;
  console.log(`${cfg.arch} x${cfg.scale}: ${set.count} patches ${cfg.patch}->${set.labelSize} (${sampler.batchesPerEpoch} batches/epoch), ${cfg.optimizer} lr ${cfg.lr} ${cfg.schedule}, ${cfg.steps} steps, backend ${backend.name} x${backend.threads}, data sha256 ${cfg.dataChecksum.slice(0, 16)}..., prep ${prepSeconds.toFixed(1)} s${resumed ? `, resumed at step ${resumed.state.step}` : ''}`);

  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => controller.abort());

  let lastVal: number | null = resumed?.state.lastPsnr ?? null;
  let bestVal: number | null = resumed?.state.bestPsnr ?? null;
  let rate = 0;
  let lastLoss = NaN;
  const startStep = trainer.step;
  const startT = performance.now();
  const bar = (step: number): void => {
    const elapsed = (performance.now() - startT) / 1000;
    const done = step - startStep;
    const eta = done > 0 ? ((cfg.steps - step) * elapsed) / done : NaN;
    const pct = Math.floor((step / cfg.steps) * 20);
    const line = `[${'#'.repeat(pct)}${'.'.repeat(20 - pct)}] ep ${sampler.position.epoch} step ${step}/${cfg.steps} loss ${lastLoss.toExponential(3)} val ${lastVal?.toFixed(3) ?? '-'} (best ${bestVal?.toFixed(3) ?? '-'}) ${rate.toFixed(0)} p/s ETA ${fmtDuration(eta)}`;
    const cols = process.stdout.columns ?? 120;
    process.stdout.write(`\r${line.slice(0, cols - 1).padEnd(cols - 1)}`);
  };
  let lastDraw = 0;

  const summary = await runTraining(trainer, {
    maxSteps: cfg.steps,
    logEvery: num('log-every', args['log-every'], 100),
    valEvery: num('val-every', args['val-every'], 1000),
    checkpointSeconds: num('checkpoint-seconds', args['checkpoint-seconds'], 120),
    config: cfg as unknown as Record<string, unknown>,
    ...(resumed ? { resumeState: resumed.state } : {}),
    signal: controller.signal,
    onTick: (step, loss) => {
      lastLoss = loss;
      const now = performance.now();
      if (tty && now - lastDraw > 250) {
        lastDraw = now;
        bar(step);
      }
    },
    onStep: (s) => {
      rate = s.patchesPerSecond;
      log({ type: 'train', ...s });
      if (!tty) console.log(`step ${s.step} epoch ${s.epoch} loss ${s.loss.toExponential(4)} lr ${s.lr.toExponential(3)} ${s.patchesPerSecond.toFixed(1)} patches/s`);
    },
    validate: (): ValidationResult => {
      if (inference === null) inference = createInferenceNet(net, backend);
      else copyParams(inference, net);
      return evaluateNet(inference, evalSet, cfg.scale);
    },
    onValidation: (step, r, isBest) => {
      lastVal = r.psnr;
      if (isBest) bestVal = r.psnr;
      log({ type: 'val', step, epoch: sampler.position.epoch, set: basename(cfg.val), psnr: r.psnr, ssim: r.ssim, best: isBest, perImage: r.perImage });
      const msg = `validation step ${step}: ${basename(cfg.val)} ${r.psnr.toFixed(4)} dB / ${r.ssim.toFixed(5)}${isBest ? ' (best)' : ''}`;
      if (tty) process.stdout.write(`\r${msg.padEnd((process.stdout.columns ?? 120) - 1)}\n`);
      else console.log(msg);
    },
    saveCheckpoint: (kind, c) => writeAtomic(kind === 'last' ? lastPath : bestPath, encodeCheckpoint(c)),
  });
  if (tty) process.stdout.write('\n');
  log({ type: 'end', ...summary });
  console.log(`done: ${summary.steps} steps, best ${summary.bestPsnr?.toFixed(4) ?? '-'} dB at step ${summary.bestStep ?? '-'}, ${fmtDuration(summary.elapsedSeconds)} of training`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
  process.exit(1);
});
