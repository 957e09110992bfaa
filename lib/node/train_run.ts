/**
 * Training runs on disk, behind `srcnn-ts train` (and its shim `node build/tools/train.js`):
 * trains SRCNN on a folder of images (default ../shared/data/T91) into a run directory, and exports
 * a run's checkpoint as shipped weights.
 *
 * A run directory holds `last.safetensors` (written every `checkpointSeconds` and at the end),
 * `best.safetensors` (the checkpoint with the best validation PSNR so far) and `log.jsonl` (one JSON
 * object per log interval, validation, start and end). `resume` continues from `last.safetensors`
 * with the configuration stored in it (settings given in {@link TrainSettings} override it;
 * unchanged settings give a bit-identical continuation). When `signal` fires, training stops after
 * the current step, `last.safetensors` is saved and {@link trainRun} throws an AbortError.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../backend/backend.js';
import { AbortError, OptionError } from '../errors.js';
import { matlabYU8 } from '../image/color.js';
import { createPlane, type Plane } from '../image/image.js';
import { decodeImage } from '../image/codec.js';
import { architecture } from '../model/index.js';
import type { Sequential } from '../nn/sequential.js';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../train/checkpoint.js';
import { PatchSampler, datasetChecksum, extractPatches, makeTrainingPair, type DataFile } from '../train/data.js';
import { Trainer, runTraining, type RunSummary, type ValidationResult } from '../train/loop.js';
import { copyParams, createInferenceNet, createTrainingNet, type InitialLayer, heStd, paperLrMultipliers, specsMargin } from '../train/model.js';
import { createAdam, createSgd, type LrSchedule, type Optimizer } from '../train/optimizers.js';
import { evaluateNet, prepareEvalSet, type EvalImage } from '../train/validate.js';
import { decodeSafetensors, decodeSrcnnWeights, encodeSrcnnWeights } from '../weights/safetensors.js';
import type { SrcnnWeights } from '../weights/types.js';

/** ../shared/data next to the repository (build/lib/node/ -> repo root is three levels up). */
const SHARED_DATA = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'data');

export const TRAIN_OPTIMIZERS = ['adam', 'sgd'] as const;
export const TRAIN_SCHEDULES = ['constant', 'cosine', 'step'] as const;
export const TRAIN_INITS = ['paper', 'he'] as const;

/** Everything that defines a run; stored in every checkpoint. */
export interface RunConfig {
  scale: number;
  arch: string;
  data: string;
  val: string;
  patch: number;
  stride: number;
  batch: number;
  augment: boolean;
  seed: number;
  optimizer: (typeof TRAIN_OPTIMIZERS)[number];
  lr: number;
  momentum: number;
  paperLrRatio: boolean;
  schedule: (typeof TRAIN_SCHEDULES)[number];
  minLr: number;
  decayEvery: number;
  gamma: number;
  steps: number;
  /** Full mini-batches per epoch (derived from the data). */
  batchesPerEpoch: number;
  init: (typeof TRAIN_INITS)[number];
  initFrom: string | null;
  dataChecksum: string;
  commands: string[];
}

/** The run settings given by the user; an omitted one comes from the resumed checkpoint, else its default. */
export type TrainSettings = Partial<Omit<RunConfig, 'steps' | 'batchesPerEpoch' | 'dataChecksum' | 'commands'>> & {
  /** Total steps; wins over `epochs`. Default: the checkpoint's, else 100 epochs. */
  steps?: number;
  /** Total steps as a number of epochs of the training data. */
  epochs?: number;
};

/** Where a run's progress goes. `progress` is only drawn when `tty` (a redrawn line). */
export interface TrainReporter {
  info(line: string): void;
  tty: boolean;
  progress: { update(done: number, total: number, note?: string): void; log(line: string): void; end(): void };
}

export interface TrainRunOptions {
  outDir: string;
  settings: TrainSettings;
  resume: boolean;
  /** The command line, recorded in the checkpoints and the exported weights' `training_command`. */
  command: string;
  logEvery: number;
  valEvery: number;
  checkpointSeconds: number;
  backend: Backend;
  signal: AbortSignal;
  report: TrainReporter;
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

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}


/** Scores of an exported checkpoint under the paper protocol. */
export interface ExportResult {
  from: string;
  step: number;
  target: string;
  scale: number;
  set5: ValidationResult;
  set14: ValidationResult | null;
}

/**
 * Writes a run's checkpoint (`from`, default `<outDir>/best.safetensors`) as shipped weights with
 * the provenance metadata (training command, data checksum, steps, Set5 and optionally Set14 scores).
 */
export function exportRun(opts: { outDir: string; target: string; from?: string; set14: boolean; backend: Backend }): ExportResult {
  const src = opts.from ?? join(opts.outDir, 'best.safetensors');
  const c = decodeCheckpoint(new Uint8Array(readFileSync(src)), src);
  const cfg = c.state.config as unknown as RunConfig;
  const specs = architecture(cfg.arch);
  const layers = loadInitLayers(src, specs.length);
  const train = createTrainingNet(specs, opts.backend, layers);
  const net = createInferenceNet(train, opts.backend);
  const set5 = evaluateNet(net, loadEvalSet(cfg.val, cfg.scale), cfg.scale);
  const set14 = opts.set14 ? evaluateNet(net, loadEvalSet(resolve(SHARED_DATA, 'Set14'), cfg.scale), cfg.scale) : null;
  const meta: SrcnnWeights['meta'] = {
    architecture: cfg.arch,
    scale: cfg.scale,
    colour: 'matlab-y',
    name: `srcnn-${cfg.arch}-x${cfg.scale}`,
    source: 'srcnn-ts train (trained from scratch in TypeScript)',
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
  mkdirSync(dirname(resolve(opts.target)), { recursive: true });
  writeAtomic(opts.target, encodeSrcnnWeights(weights));
  return { from: src, step: c.state.step, target: opts.target, scale: cfg.scale, set5, set14 };
}

/** Trains (or resumes) the run in `opts.outDir`; see the module comment. */
export async function trainRun(opts: TrainRunOptions): Promise<RunSummary> {
  const { outDir, settings: s, backend, report } = opts;
  mkdirSync(outDir, { recursive: true });
  const lastPath = join(outDir, 'last.safetensors');
  const bestPath = join(outDir, 'best.safetensors');
  const logPath = join(outDir, 'log.jsonl');
  const resumed: Checkpoint | null = opts.resume && existsSync(lastPath) ? decodeCheckpoint(new Uint8Array(readFileSync(lastPath)), lastPath) : null;
  const prev = (resumed?.state.config ?? {}) as Partial<RunConfig>;
  const pick = <K extends keyof RunConfig>(k: K, v: RunConfig[K] | undefined, def: RunConfig[K]): RunConfig[K] => v ?? prev[k] ?? def;
  const cfg: RunConfig = {
    scale: pick('scale', s.scale, 2),
    arch: pick('arch', s.arch, '9-1-5'),
    data: pick('data', s.data && resolve(s.data), resolve(SHARED_DATA, 'T91')),
    val: pick('val', s.val && resolve(s.val), resolve(SHARED_DATA, 'Set5')),
    patch: pick('patch', s.patch, 33),
    stride: pick('stride', s.stride, 14),
    batch: pick('batch', s.batch, 64),
    augment: pick('augment', s.augment, false),
    seed: pick('seed', s.seed, 1),
    optimizer: pick('optimizer', s.optimizer, 'adam'),
    lr: pick('lr', s.lr, 1e-3),
    momentum: pick('momentum', s.momentum, 0.9),
    paperLrRatio: pick('paperLrRatio', s.paperLrRatio, false),
    schedule: pick('schedule', s.schedule, 'cosine'),
    minLr: pick('minLr', s.minLr, 1e-5),
    decayEvery: pick('decayEvery', s.decayEvery, 10000),
    gamma: pick('gamma', s.gamma, 0.5),
    steps: 0,
    batchesPerEpoch: 0,
    init: pick('init', s.init, 'paper'),
    initFrom: pick('initFrom', s.initFrom ? resolve(s.initFrom) : undefined, null),
    dataChecksum: '',
    commands: [...(prev.commands ?? []), opts.command],
  };
  const specs = architecture(cfg.arch);
  const margin = specsMargin(specs);

  const t0 = performance.now();
  const files = readFolder(cfg.data);
  cfg.dataChecksum = datasetChecksum(files);
  if (prev.dataChecksum && prev.dataChecksum !== cfg.dataChecksum) report.info(`warning: training data changed since the checkpoint (${prev.dataChecksum} -> ${cfg.dataChecksum})`);
  const pairs = files.map((f) => makeTrainingPair(lumaOf(f), cfg.scale));
  const set = extractPatches(pairs, { patchSize: cfg.patch, stride: cfg.stride, margin });
  const sampler = new PatchSampler(set, { batch: cfg.batch, seed: cfg.seed, augment: cfg.augment });
  const stepsArg = s.steps ?? (s.epochs !== undefined ? Math.round(s.epochs * sampler.batchesPerEpoch) : undefined);
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
  report.info(`${cfg.arch} x${cfg.scale}: ${set.count} patches ${cfg.patch}->${set.labelSize} (${sampler.batchesPerEpoch} batches/epoch), ${cfg.optimizer} lr ${cfg.lr} ${cfg.schedule}, ${cfg.steps} steps, backend ${backend.name} x${backend.threads}, data sha256 ${cfg.dataChecksum.slice(0, 16)}..., prep ${prepSeconds.toFixed(1)} s${resumed ? `, resumed at step ${resumed.state.step}` : ''}`);

  let lastVal: number | null = resumed?.state.lastPsnr ?? null;
  let bestVal: number | null = resumed?.state.bestPsnr ?? null;
  let rate = 0;
  let lastLoss = NaN;
  const startStep = trainer.step;
  let lastDraw = 0;
  const { progress: bar, tty } = report;

  let summary: RunSummary;
  try {
    summary = await runTraining(trainer, {
      maxSteps: cfg.steps,
      logEvery: opts.logEvery,
      valEvery: opts.valEvery,
      checkpointSeconds: opts.checkpointSeconds,
      config: cfg as unknown as Record<string, unknown>,
      ...(resumed ? { resumeState: resumed.state } : {}),
      signal: opts.signal,
      onTick: (step, loss) => {
        lastLoss = loss;
        const now = performance.now();
        if (tty && now - lastDraw > 250) {
          lastDraw = now;
          const note = `ep ${sampler.position.epoch} step ${step}/${cfg.steps} loss ${lastLoss.toExponential(3)} val ${lastVal?.toFixed(3) ?? '-'} (best ${bestVal?.toFixed(3) ?? '-'}) ${rate.toFixed(0)} p/s`;
          bar.update(step - startStep, cfg.steps - startStep, note);
        }
      },
      onStep: (st) => {
        rate = st.patchesPerSecond;
        log({ type: 'train', ...st });
        if (!tty) report.info(`step ${st.step} epoch ${st.epoch} loss ${st.loss.toExponential(4)} lr ${st.lr.toExponential(3)} ${st.patchesPerSecond.toFixed(1)} patches/s`);
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
        if (tty) bar.log(msg);
        else report.info(msg);
      },
      saveCheckpoint: (kind, c) => writeAtomic(kind === 'last' ? lastPath : bestPath, encodeCheckpoint(c)),
    });
  } finally {
    bar.end();
  }
  const interrupted = opts.signal.aborted && summary.steps < cfg.steps;
  log({ type: 'end', ...summary, ...(interrupted ? { interrupted: true } : {}) });
  report.info(`${interrupted ? 'interrupted' : 'done'}: ${summary.steps} steps, best ${summary.bestPsnr?.toFixed(4) ?? '-'} dB at step ${summary.bestStep ?? '-'}, ${fmtDuration(summary.elapsedSeconds)} of training${interrupted ? `; saved ${lastPath}` : ''}`);
  if (interrupted) throw new AbortError(`training interrupted at step ${summary.steps}`);
  return summary;
}
