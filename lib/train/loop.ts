/**
 * The mini-batch training loop: a batch of N patches as an N x 1 x S x S tensor, forward through
 * the 'valid' network, MSE against the N x 1 x L x L labels, backward, optimizer step
 * ({@link Trainer.trainStep}); and a driver ({@link runTraining}) that logs, validates, keeps the
 * best weights and writes checkpoints through callbacks, so the core stays free of I/O.
 *
 * Determinism: the data order and augmentation depend only on (seed, epoch), the parameters and
 * optimizer moments are float32 and stored exactly in checkpoints, so stopping after any step and
 * resuming from the checkpoint reproduces the uninterrupted run bit for bit (on the same backend and
 * thread count).
 */
import { ValueError } from '../errors.js';
import { mseLoss } from './loss.js';
import { scheduledLr, type LrSchedule, type Optimizer, type TrainableParam } from './optimizers.js';
import type { Checkpoint, CheckpointState } from './checkpoint.js';
import type { PatchSampler } from './data.js';

/** What the trainer needs from a network: a training forward/backward pass and its parameters. */
export interface TrainableNet {
  /** Forward pass on `x` (batch x 1 x h x w); `data` is the output (batch x 1 x h' x w'). */
  forward(x: Float32Array, batch: number, h: number, w: number, opts: { train: boolean }): { data: Float32Array };
  /** Backward pass from dL/doutput (a sum over the batch); writes every parameter's `grad`. */
  backward(dy: Float32Array): unknown;
  /** The trainable tensors, in a fixed order, with stable names. */
  params(): readonly TrainableParam[];
}

/** Options of {@link Trainer}. */
export interface TrainerOptions {
  net: TrainableNet;
  sampler: PatchSampler;
  optimizer: Optimizer;
  /** Base learning rate. */
  lr: number;
  /** @defaultValue constant */
  schedule?: LrSchedule;
  /** Allocates the batch buffers (pass `backend.alloc` so WASM kernels read them in place). */
  alloc?: (length: number) => Float32Array;
}

/** One optimisation step at a time over a {@link PatchSampler}. */
export class Trainer {
  readonly net: TrainableNet;
  readonly sampler: PatchSampler;
  readonly optimizer: Optimizer;
  readonly lr: number;
  readonly schedule: LrSchedule;
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  private readonly dy: Float32Array;
  private readonly params: readonly TrainableParam[];

  constructor(opts: TrainerOptions) {
    this.net = opts.net;
    this.sampler = opts.sampler;
    this.optimizer = opts.optimizer;
    this.lr = opts.lr;
    this.schedule = opts.schedule ?? { kind: 'constant' };
    const alloc = opts.alloc ?? ((n: number) => new Float32Array(n));
    const { inputSize: S, labelSize: L } = opts.sampler.set;
    const B = opts.sampler.batch;
    this.x = alloc(B * S * S);
    this.y = new Float32Array(B * L * L);
    this.dy = alloc(B * L * L);
    this.params = opts.net.params();
  }

  /** Completed steps (the optimizer's count). */
  get step(): number {
    return this.optimizer.step;
  }

  /** The learning rate the next step will use. */
  get currentLr(): number {
    return scheduledLr(this.schedule, this.lr, this.optimizer.step);
  }

  /** Runs one mini-batch step and returns its loss (MSE on the 0..1 scale, before the update). */
  trainStep(): number {
    const { inputSize: S, labelSize: L } = this.sampler.set;
    const B = this.sampler.batch;
    const lr = this.currentLr;
    this.sampler.next(this.x, this.y);
    const out = this.net.forward(this.x, B, S, S, { train: true }).data;
    if (out.length !== B * L * L) {
      throw new ValueError(`Trainer: the network maps ${S}x${S} patches to ${out.length / B} values per patch, labels have ${L}x${L}; the label margin does not match the architecture`);
    }
    const loss = mseLoss(this.dy, out, this.y);
    if (!Number.isFinite(loss)) throw new ValueError(`Trainer: loss became ${loss} at step ${this.step}; lower the learning rate`);
    this.net.backward(this.dy);
    this.optimizer.update(this.params, lr);
    return loss;
  }

  /** Parameters and optimizer state plus `state` (whose step/epoch fields are filled in here). */
  snapshot(state: Omit<CheckpointState, 'step' | 'epoch' | 'batchInEpoch'>): Checkpoint {
    const params: Record<string, Float32Array> = {};
    for (const p of this.params) params[p.name] = Float32Array.from(p.value);
    const pos = this.sampler.position;
    return {
      state: { ...state, step: this.step, epoch: pos.epoch, batchInEpoch: pos.batchInEpoch },
      params,
      optimizer: this.optimizer.state(),
    };
  }

  /** Restores parameters, optimizer state and sampler position from a checkpoint. */
  restore(c: Checkpoint): void {
    for (const p of this.params) {
      const v = c.params[p.name];
      if (!v) throw new ValueError(`Trainer.restore: the checkpoint has no parameter '${p.name}'`);
      if (v.length !== p.value.length) throw new ValueError(`Trainer.restore: parameter '${p.name}' has ${v.length} values in the checkpoint, ${p.value.length} in the network`);
      p.value.set(v);
    }
    this.optimizer.loadState(c.optimizer, this.params);
    this.sampler.seek({ epoch: c.state.epoch, batchInEpoch: c.state.batchInEpoch });
  }
}

/** A validation result: mean PSNR (dB) and SSIM over the validation images. */
export interface ValidationResult {
  psnr: number;
  ssim: number;
  perImage?: { name: string; psnr: number; ssim: number }[];
}

/** A periodic training-loss record. */
export interface StepLog {
  step: number;
  epoch: number;
  /** Mean loss over the steps since the previous record. */
  loss: number;
  lr: number;
  /** Patches per second over the steps since the previous record. */
  patchesPerSecond: number;
  elapsedSeconds: number;
}

/** Options of {@link runTraining}. */
export interface RunOptions {
  /** Stop after this many total steps (counting steps done before a resume). */
  maxSteps: number;
  /** Average and report the loss every this many steps. @defaultValue 100 */
  logEvery?: number;
  /** Validate every this many steps (0 = never); also once at the end. @defaultValue 0 */
  valEvery?: number;
  /** Write the 'last' checkpoint at least every this many seconds. @defaultValue 300 */
  checkpointSeconds?: number;
  /** Runs the current network on the validation set. */
  validate?: () => Promise<ValidationResult> | ValidationResult;
  onStep?: (log: StepLog) => void;
  /** Called after every single step with its loss (cheap; for progress bars). */
  onTick?: (step: number, loss: number) => void;
  onValidation?: (step: number, result: ValidationResult, isBest: boolean) => void | Promise<void>;
  /** Persists a checkpoint: 'last' periodically and at the end, 'best' when validation improves. */
  saveCheckpoint?: (kind: 'last' | 'best', c: Checkpoint) => void | Promise<void>;
  /** The scalar state carried over from a resumed checkpoint (best PSNR, elapsed time, config). */
  resumeState?: Pick<CheckpointState, 'bestPsnr' | 'bestStep' | 'lastPsnr' | 'elapsedSeconds'>;
  /** Free-form run configuration stored in checkpoints. */
  config?: Record<string, unknown>;
  /** Stops the loop after the current step (a final checkpoint is still written). */
  signal?: AbortSignal;
  /** Monotonic clock in seconds. @defaultValue performance.now() / 1000 */
  now?: () => number;
}

/** Final state of {@link runTraining}. */
export interface RunSummary {
  steps: number;
  bestPsnr: number | null;
  bestStep: number | null;
  lastPsnr: number | null;
  elapsedSeconds: number;
}

/**
 * Trains until `maxSteps` (or the signal fires), validating every `valEvery` steps and at the end,
 * saving 'best' on each improvement of the validation PSNR and 'last' every `checkpointSeconds`
 * and at the end.
 */
export async function runTraining(trainer: Trainer, opts: RunOptions): Promise<RunSummary> {
  const now = opts.now ?? (() => performance.now() / 1000);
  const logEvery = opts.logEvery ?? 100;
  const valEvery = opts.valEvery ?? 0;
  const ckptSeconds = opts.checkpointSeconds ?? 300;
  const config = opts.config ?? {};
  let bestPsnr = opts.resumeState?.bestPsnr ?? null;
  let bestStep = opts.resumeState?.bestStep ?? null;
  let lastPsnr = opts.resumeState?.lastPsnr ?? null;
  const elapsedBefore = opts.resumeState?.elapsedSeconds ?? 0;
  const t0 = now();
  let lastCkpt = t0;
  let lastLogT = t0;
  let lossSum = 0;
  let lossN = 0;
  let lastValStep = -1;
  const elapsed = (): number => elapsedBefore + (now() - t0);
  const snapshot = (): Checkpoint => trainer.snapshot({ bestPsnr, bestStep, lastPsnr, elapsedSeconds: elapsed(), config });

  const validate = async (): Promise<void> => {
    if (!opts.validate) return;
    const r = await opts.validate();
    lastValStep = trainer.step;
    lastPsnr = r.psnr;
    const isBest = bestPsnr === null || r.psnr > bestPsnr;
    if (isBest) {
      bestPsnr = r.psnr;
      bestStep = trainer.step;
    }
    await opts.onValidation?.(trainer.step, r, isBest);
    if (isBest) await opts.saveCheckpoint?.('best', snapshot());
  };

  while (trainer.step < opts.maxSteps && !opts.signal?.aborted) {
    // Yield to the event loop so that signals, aborts and timers are delivered between steps
    // (a step takes milliseconds to seconds; one macrotask turn costs ~1 ms at most).
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    if (opts.signal?.aborted) break;
    const loss = trainer.trainStep();
    lossSum += loss;
    lossN++;
    opts.onTick?.(trainer.step, loss);
    if (trainer.step % logEvery === 0) {
      const t = now();
      opts.onStep?.({
        step: trainer.step,
        epoch: trainer.sampler.position.epoch,
        loss: lossSum / lossN,
        lr: trainer.currentLr,
        patchesPerSecond: (lossN * trainer.sampler.batch) / Math.max(t - lastLogT, 1e-9),
        elapsedSeconds: elapsed(),
      });
      lossSum = 0;
      lossN = 0;
      lastLogT = t;
    }
    if (valEvery > 0 && trainer.step % valEvery === 0) await validate();
    if (now() - lastCkpt >= ckptSeconds) {
      await opts.saveCheckpoint?.('last', snapshot());
      lastCkpt = now();
    }
  }
  if (lastValStep !== trainer.step && trainer.step > 0) await validate();
  await opts.saveCheckpoint?.('last', snapshot());
  return { steps: trainer.step, bestPsnr, bestStep, lastPsnr, elapsedSeconds: elapsed() };
}
