/**
 * First-order optimizers over named float32 parameters: SGD with momentum (the paper's choice) and
 * Adam (Kingma & Ba 2015). Both support per-parameter learning-rate multipliers (the paper trains
 * the last layer 10x slower) and expose their state as plain typed arrays plus numbers, so a
 * checkpoint can store it exactly and a resumed run continues bit for bit.
 */
import { OptionError, ShapeError, ValueError } from '../errors.js';

/** A trainable tensor: its value and the gradient the last backward pass wrote. */
export interface TrainableParam {
  readonly name: string;
  readonly value: Float32Array;
  readonly grad: Float32Array;
}

/** Serialisable optimizer state: named float32 buffers (e.g. `m/<param>`) and scalars. */
export interface OptimizerState {
  readonly kind: OptimizerKind;
  readonly step: number;
  readonly buffers: Record<string, Float32Array>;
}

export type OptimizerKind = 'sgd' | 'adam';

/** A learning rate multiplier per parameter name (missing names get 1). */
export type LrMultipliers = Readonly<Record<string, number>>;

export interface Optimizer {
  readonly kind: OptimizerKind;
  /** Completed steps. */
  readonly step: number;
  /** Updates every parameter from its `grad` with base learning rate `lr`. */
  update(params: readonly TrainableParam[], lr: number): void;
  /** A copy of the state. */
  state(): OptimizerState;
  /** Replaces the state (buffers are copied); throws when it does not fit the parameters. */
  loadState(state: OptimizerState, params: readonly TrainableParam[]): void;
}

function checkLr(lr: number): void {
  if (!Number.isFinite(lr) || lr < 0) throw new ValueError(`optimizer: learning rate must be finite and >= 0, got ${lr}`);
}

function lrMult(mults: LrMultipliers, name: string): number {
  const m = mults[name];
  return m === undefined ? 1 : m;
}

/** Lazily created per-parameter buffer map. */
function buffer(map: Map<string, Float32Array>, p: TrainableParam): Float32Array {
  let b = map.get(p.name);
  if (!b) {
    b = new Float32Array(p.value.length);
    map.set(p.name, b);
  }
  return b;
}

function loadBuffers(prefixes: readonly string[], state: OptimizerState, params: readonly TrainableParam[], maps: Map<string, Float32Array>[]): void {
  for (let i = 0; i < prefixes.length; i++) {
    const map = maps[i]!;
    map.clear();
    for (const p of params) {
      const key = `${prefixes[i]}/${p.name}`;
      const b = state.buffers[key];
      if (!b) {
        if (state.step === 0) continue;
        throw new ShapeError(`optimizer state lacks buffer '${key}'`);
      }
      if (b.length !== p.value.length) throw new ShapeError(`optimizer buffer '${key}' has ${b.length} values, parameter has ${p.value.length}`);
      map.set(p.name, Float32Array.from(b));
    }
  }
}

function saveBuffers(prefixes: readonly string[], maps: Map<string, Float32Array>[]): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (let i = 0; i < prefixes.length; i++) {
    for (const [name, b] of maps[i]!) out[`${prefixes[i]}/${name}`] = Float32Array.from(b);
  }
  return out;
}

/** Options of {@link createSgd}. */
export interface SgdOptions {
  /** Momentum coefficient (paper / Caffe: 0.9). */
  readonly momentum?: number;
  /** L2 weight decay added to the gradient (default 0). */
  readonly weightDecay?: number;
  readonly lrMultipliers?: LrMultipliers;
}

/**
 * Caffe-style SGD with momentum: `v = momentum * v + lr * mult * (g + wd * w); w -= v`.
 * The paper uses momentum 0.9, lr 1e-4 for layers 1-2 and 1e-5 for layer 3 (multiplier 0.1) on
 * Caffe's Euclidean loss; with {@link mseLoss} (mean over P label pixels) the equivalent base
 * lr is `1e-4 * P / 2` (P = 441 for 21x21 labels).
 */
export function createSgd(opts: SgdOptions = {}): Optimizer {
  const momentum = opts.momentum ?? 0.9;
  const wd = opts.weightDecay ?? 0;
  const mults = opts.lrMultipliers ?? {};
  if (!(momentum >= 0 && momentum < 1)) throw new OptionError(`sgd: momentum must be in [0, 1), got ${momentum}`);
  const vel = new Map<string, Float32Array>();
  let step = 0;
  return {
    kind: 'sgd',
    get step() {
      return step;
    },
    update(params, lr) {
      checkLr(lr);
      for (const p of params) {
        const v = buffer(vel, p);
        const w = p.value, g = p.grad;
        const a = lr * lrMult(mults, p.name);
        for (let i = 0; i < w.length; i++) {
          const vi = momentum * v[i]! + a * (g[i]! + wd * w[i]!);
          v[i] = vi;
          w[i] = w[i]! - v[i]!;
        }
      }
      step++;
    },
    state() {
      return { kind: 'sgd', step, buffers: saveBuffers(['velocity'], [vel]) };
    },
    loadState(s, params) {
      if (s.kind !== 'sgd') throw new OptionError(`sgd: cannot load '${s.kind}' optimizer state`);
      loadBuffers(['velocity'], s, params, [vel]);
      step = s.step;
    },
  };
}

/** Options of {@link createAdam}. */
export interface AdamOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  readonly lrMultipliers?: LrMultipliers;
}

/**
 * Adam with bias correction (PyTorch `torch.optim.Adam` semantics, eps outside the sqrt):
 * `m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; w -= lr * mult * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)`.
 * Defaults b1 = 0.9, b2 = 0.999, eps = 1e-8. Moments are float32; arithmetic is float64.
 */
export function createAdam(opts: AdamOptions = {}): Optimizer {
  const b1 = opts.beta1 ?? 0.9, b2 = opts.beta2 ?? 0.999, eps = opts.eps ?? 1e-8;
  const mults = opts.lrMultipliers ?? {};
  if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) throw new OptionError(`adam: betas must be in [0, 1), got ${b1}, ${b2}`);
  if (!(eps > 0)) throw new OptionError(`adam: eps must be > 0, got ${eps}`);
  const mMap = new Map<string, Float32Array>(), vMap = new Map<string, Float32Array>();
  let step = 0;
  return {
    kind: 'adam',
    get step() {
      return step;
    },
    update(params, lr) {
      checkLr(lr);
      const t = step + 1;
      const c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
      for (const p of params) {
        const m = buffer(mMap, p), v = buffer(vMap, p);
        const w = p.value, g = p.grad;
        const a = (lr * lrMult(mults, p.name)) / c1;
        const ib2 = 1 / c2;
        for (let i = 0; i < w.length; i++) {
          const gi = g[i]!;
          const mi = b1 * m[i]! + (1 - b1) * gi;
          const vi = b2 * v[i]! + (1 - b2) * gi * gi;
          m[i] = mi;
          v[i] = vi;
          w[i] = w[i]! - (a * m[i]!) / (Math.sqrt(v[i]! * ib2) + eps);
        }
      }
      step = t;
    },
    state() {
      return { kind: 'adam', step, buffers: saveBuffers(['m', 'v'], [mMap, vMap]) };
    },
    loadState(s, params) {
      if (s.kind !== 'adam') throw new OptionError(`adam: cannot load '${s.kind}' optimizer state`);
      loadBuffers(['m', 'v'], s, params, [mMap, vMap]);
      step = s.step;
    },
  };
}

/** Learning-rate schedules over the global step. */
export type LrSchedule =
  | { readonly kind: 'constant' }
  /** lr * gamma^floor(step / every) */
  | { readonly kind: 'step'; readonly every: number; readonly gamma: number }
  /** Cosine from lr down to `minLr` over `totalSteps`, then `minLr`. */
  | { readonly kind: 'cosine'; readonly totalSteps: number; readonly minLr: number };

/** The learning rate at global step `step` (0-based) for base rate `lr`. */
export function scheduledLr(schedule: LrSchedule, lr: number, step: number): number {
  switch (schedule.kind) {
    case 'constant':
      return lr;
    case 'step':
      return lr * Math.pow(schedule.gamma, Math.floor(step / schedule.every));
    case 'cosine': {
      const f = Math.min(1, step / schedule.totalSteps);
      return schedule.minLr + 0.5 * (lr - schedule.minLr) * (1 + Math.cos(Math.PI * f));
    }
  }
}
