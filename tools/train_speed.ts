/**
 * Training throughput (patches/s) of one architecture on random patches, per backend and thread
 * count, so docs/training.md can state what a run costs:
 *
 *   node build/tools/train_speed.js --arch 9-1-5 --patch 33 --batch 64 --steps 20 [--backend wasm-simd] [--threads 2]
 *
 * Times `Trainer.trainStep` (batch copy + forward + loss + backward + Adam) after 3 warm-up steps;
 * prints the median of 3 timed blocks of `--steps` steps.
 */
import { parseArgs } from 'node:util';
import { architecture } from '../lib/model/index.js';
import { createNodeBackend } from '../lib/node/wasm_workers.js';
import { PatchSampler, type PatchSet } from '../lib/train/data.js';
import { Trainer } from '../lib/train/loop.js';
import { createTrainingNet, heStd, specsMargin } from '../lib/train/model.js';
import { createAdam } from '../lib/train/optimizers.js';
import { Mulberry32 } from '../lib/train/rng.js';

const { values: a } = parseArgs({
  options: {
    arch: { type: 'string', default: '9-1-5' }, patch: { type: 'string', default: '33' }, batch: { type: 'string', default: '64' },
    steps: { type: 'string', default: '20' }, backend: { type: 'string', default: 'auto' }, threads: { type: 'string', default: '1' },
  },
});
const specs = architecture(a.arch!);
const S = Number(a.patch), B = Number(a.batch), steps = Number(a.steps);
const margin = specsMargin(specs), L = S - 2 * margin;
const count = 4 * B;
const rng = new Mulberry32(1);
const set: PatchSet = {
  count, inputSize: S, labelSize: L, margin,
  inputs: Float32Array.from({ length: count * S * S }, () => rng.next()),
  labels: Float32Array.from({ length: count * L * L }, () => rng.next()),
};
const backend = createNodeBackend({ backend: a.backend as 'auto' | 'js' | 'wasm-simd', threads: Number(a.threads) });
const net = createTrainingNet(specs, backend, { seed: 1, std: heStd(specs) });
const trainer = new Trainer({ net, sampler: new PatchSampler(set, { batch: B, seed: 1, augment: true }), optimizer: createAdam(), lr: 1e-4, alloc: (n) => backend.alloc(n) });
for (let i = 0; i < 3; i++) trainer.trainStep();
const rates: number[] = [];
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) trainer.trainStep();
  rates.push((steps * B) / ((performance.now() - t0) / 1000));
}
rates.sort((x, y) => x - y);
console.log(JSON.stringify({ arch: a.arch, patch: S, label: L, batch: B, backend: backend.name, threads: backend.threads, patchesPerSecond: Math.round(rates[1]!), labelMpixPerSecond: +((rates[1]! * L * L) / 1e6).toFixed(3) }));
backend.dispose();
