import { expect } from 'chai';
import { createNaiveBackend } from '../helpers/naive_backend.js';
import type { Backend } from '../../lib/backend/backend.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../lib/train/checkpoint.js';
import { PatchSampler, extractPatches, type PatchSet, type TrainingPair } from '../../lib/train/data.js';
import { Trainer, runTraining } from '../../lib/train/loop.js';
import { mseLoss } from '../../lib/train/loss.js';
import { createTrainingNet, paperLrMultipliers, specsMargin } from '../../lib/train/model.js';
import { createAdam, createSgd, type Optimizer } from '../../lib/train/optimizers.js';
import { Mulberry32 } from '../../lib/train/rng.js';
import { createPlane } from '../../lib/image/image.js';
import type { LayerSpec } from '../../lib/weights/types.js';

/** A tiny 3-layer SRCNN-shaped net: 3x3 1->4 relu, 1x1 4->3 relu, 3x3 3->1 linear (margin 2). */
const SPECS: LayerSpec[] = [
  { kernel: [3, 3], in: 1, out: 4, padding: 'same', paddingMode: 'replicate', activation: 'relu' },
  { kernel: [1, 1], in: 4, out: 3, padding: 'same', paddingMode: 'replicate', activation: 'relu' },
  { kernel: [3, 3], in: 3, out: 1, padding: 'same', paddingMode: 'replicate', activation: 'linear' },
];

/** Smooth random images; the input is a 3-tap box blur of the label (a learnable degradation). */
function syntheticSet(seed: number): PatchSet {
  const rng = new Mulberry32(seed);
  const pairs: TrainingPair[] = [];
  for (let k = 0; k < 3; k++) {
    const w = 24, h = 20;
    const label = createPlane(w, h, 1), input = createPlane(w, h, 1);
    const fx = 0.2 + rng.next() * 0.5, fy = 0.2 + rng.next() * 0.5, ph = rng.next() * 6;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) label.data[y * w + x] = 0.5 + 0.4 * Math.sin(fx * x + ph) * Math.cos(fy * y);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let d = -1; d <= 1; d++) s += label.data[y * w + Math.min(w - 1, Math.max(0, x + d))]!;
        input.data[y * w + x] = s / 3;
      }
    }
    pairs.push({ input, label });
  }
  return extractPatches(pairs, { patchSize: 9, stride: 3, margin: specsMargin(SPECS) });
}

function makeTrainer(backend: Backend, set: PatchSet, opt: Optimizer, lr = 5e-3): Trainer {
  const net = createTrainingNet(SPECS, backend, { seed: 3, std: [0.3, 0.5, 0.3] });
  const sampler = new PatchSampler(set, { batch: 8, seed: 9, augment: true });
  return new Trainer({ net, sampler, optimizer: opt, lr, schedule: { kind: 'step', every: 5, gamma: 0.9 }, alloc: (n) => backend.alloc(n) });
}

describe('train: loop', () => {
  const backend = createNaiveBackend();
  const set = syntheticSet(1);

  it('a few Adam and SGD steps on a tiny synthetic set lower the loss', () => {
    const runs = [
      { opt: createAdam(), lr: 5e-3 },
      { opt: createSgd({ momentum: 0.9, lrMultipliers: paperLrMultipliers(SPECS) }), lr: 0.1 },
    ];
    for (const { opt, lr } of runs) {
      const t = makeTrainer(backend, set, opt, lr);
      const losses: number[] = [];
      for (let i = 0; i < 60; i++) losses.push(t.trainStep());
      const first = (losses[0]! + losses[1]! + losses[2]!) / 3;
      const last = (losses[57]! + losses[58]! + losses[59]!) / 3;
      expect(last, opt.kind).to.be.lessThan(first * 0.5);
    }
  });

  it('a checkpoint round-trips exactly through safetensors', () => {
    const t = makeTrainer(backend, set, createAdam());
    for (let i = 0; i < 3; i++) t.trainStep();
    const c = t.snapshot({ bestPsnr: 31.5, bestStep: 2, lastPsnr: 30, elapsedSeconds: 1.5, config: { scale: 2, note: 'x' } });
    const d = decodeCheckpoint(encodeCheckpoint(c));
    expect(d.state).to.deep.equal(c.state);
    expect(d.optimizer.kind).to.equal('adam');
    expect(d.optimizer.step).to.equal(3);
    expect(Object.keys(d.params).sort()).to.deep.equal(Object.keys(c.params).sort());
    for (const k of Object.keys(c.params)) expect(Array.from(d.params[k]!)).to.deep.equal(Array.from(c.params[k]!));
    for (const k of Object.keys(c.optimizer.buffers)) expect(Array.from(d.optimizer.buffers[k]!)).to.deep.equal(Array.from(c.optimizer.buffers[k]!));
    expect(() => decodeCheckpoint(new Uint8Array(4), 'x.safetensors')).to.throw(/x\.safetensors/);
  });

  it('resuming from a checkpoint continues bit-identically (losses and weights)', async () => {
    const steps = 2 * Math.floor(set.count / 8) + 3; // crosses epoch boundaries
    const full = makeTrainer(backend, set, createAdam());
    const fullLosses: number[] = [];
    await runTraining(full, { maxSteps: steps, onTick: (_s, l) => fullLosses.push(l) });

    const first = makeTrainer(backend, set, createAdam());
    const losses: number[] = [];
    let saved: Uint8Array | null = null;
    await runTraining(first, {
      maxSteps: 7, onTick: (_s, l) => losses.push(l),
      saveCheckpoint: (kind, c) => { if (kind === 'last') saved = encodeCheckpoint(c); },
    });
    const c = decodeCheckpoint(saved!);
    expect(c.state.step).to.equal(7);
    const resumed = makeTrainer(backend, set, createAdam());
    resumed.restore(c);
    await runTraining(resumed, { maxSteps: steps, onTick: (_s, l) => losses.push(l), resumeState: c.state });
    expect(losses).to.deep.equal(fullLosses);
    const a = full.net.params(), b = resumed.net.params();
    for (let i = 0; i < a.length; i++) expect(Array.from(b[i]!.value), a[i]!.name).to.deep.equal(Array.from(a[i]!.value));
  });

  it('runTraining validates, tracks the best result and saves best/last checkpoints', async () => {
    const t = makeTrainer(backend, set, createAdam());
    const psnrs = [20, 25, 24, 26];
    const kinds: string[] = [];
    let v = 0;
    const summary = await runTraining(t, {
      maxSteps: 8, valEvery: 2, logEvery: 4,
      validate: () => ({ psnr: psnrs[v++]!, ssim: 0.5 }),
      saveCheckpoint: (kind, c) => { kinds.push(`${kind}@${c.state.step}`); },
    });
    expect(summary.bestPsnr).to.equal(26);
    expect(summary.bestStep).to.equal(8);
    expect(kinds).to.deep.equal(['best@2', 'best@4', 'best@8', 'last@8']);
  });
});

describe('train: full-model gradient vs float64 finite differences', () => {
  /** Float64 forward of the valid net (direct convolution) and the batch-mean MSE against `label`. */
  function lossF64(ws: Float64Array[], bs: Float64Array[], x: Float64Array, n: number, h: number, w: number, label: Float64Array): number {
    let cur = x, ch = 1, H = h, W = w;
    for (let l = 0; l < SPECS.length; l++) {
      const s = SPECS[l]!, k = s.kernel[0], oh = H - k + 1, ow = W - k + 1;
      const out = new Float64Array(n * s.out * oh * ow);
      for (let b = 0; b < n; b++) for (let o = 0; o < s.out; o++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
        let acc = bs[l]![o]!;
        for (let c = 0; c < ch; c++) for (let r = 0; r < k; r++) for (let q = 0; q < k; q++) {
          acc += ws[l]![((o * ch + c) * k + r) * k + q]! * cur[((b * ch + c) * H + i + r) * W + j + q]!;
        }
        out[((b * s.out + o) * oh + i) * ow + j] = s.activation === 'relu' ? Math.max(0, acc) : acc;
      }
      cur = out; ch = s.out; H = oh; W = ow;
    }
    let sum = 0;
    for (let i = 0; i < cur.length; i++) sum += (cur[i]! - label[i]!) ** 2;
    return sum / cur.length;
  }

  it('Sequential backward + mseLoss gradient matches central differences within 1e-3 relative', () => {
    const backend = createNaiveBackend();
    const net = createTrainingNet(SPECS, backend, { seed: 5, std: [0.5, 0.5, 0.5] });
    for (const p of net.params()) if (p.name.endsWith('bias')) p.value.fill(0.05);
    const n = 2, h = 7, w = 6;
    const rng = new Mulberry32(8);
    const x32 = Float32Array.from({ length: n * h * w }, () => rng.next());
    const label = Float64Array.from({ length: n * 3 * 2 }, () => rng.next());
    const out = net.forward(x32, n, h, w, { train: true }).data;
    const dy = new Float32Array(out.length);
    mseLoss(dy, out, Float32Array.from(label));
    net.backward(dy);
    const params = net.params();
    const ws = [0, 2, 4].map((i) => Float64Array.from(params[i]!.value));
    const bs = [1, 3, 5].map((i) => Float64Array.from(params[i]!.value));
    const x = Float64Array.from(x32);
    let checked = 0;
    params.forEach((p, pi) => {
      const arr = pi % 2 === 0 ? ws[pi >> 1]! : bs[pi >> 1]!;
      for (let i = 0; i < arr.length; i++) {
        const orig = arr[i]!, eps = 1e-6;
        arr[i] = orig + eps;
        const lp = lossF64(ws, bs, x, n, h, w, label);
        arr[i] = orig - eps;
        const lm = lossF64(ws, bs, x, n, h, w, label);
        arr[i] = orig;
        const num = (lp - lm) / (2 * eps);
        const ana = p.grad[i]!;
        expect(Math.abs(ana - num), `${p.name}[${i}]: analytic ${ana}, numeric ${num}`).to.be.at.most(1e-3 * Math.max(1e-3, Math.abs(num)) + 1e-6);
        checked++;
      }
    });
    expect(checked).to.equal(params.reduce((s, p) => s + p.value.length, 0));
  });
});
