/**
 * Inputs and helpers shared by the kernel bench suites (gemm, conv2d, srcnn_forward, wasm):
 * seeded random buffers, the SRCNN layer lists they time, and the scaling of a baseline timed on a
 * fraction of the work.
 */
import type { Timing } from './harness.js';
import type { Padding, PaddingMode } from '../lib/kernels/conv_info.js';

/**
 * `n` float32 values `scale * (s / 2^31 - 1)` in [-scale, scale), s the 32-bit LCG
 * `s = s * 1664525 + 1013904223 (mod 2^32)` started at `seed` (Numerical Recipes constants).
 */
export function lcgFloat32(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = scale * (s / 2 ** 31 - 1);
  }
  return out;
}

/**
 * A timing multiplied by `f`: the time of the whole work for a compute-bound baseline that ran on
 * 1/f of it.
 */
export function scaledTiming(t: Timing, f: number): Timing {
  return { medianMs: t.medianMs * f, minMs: t.minMs * f, maxMs: t.maxMs * f, runs: t.runs };
}

/** One conv layer of a benched network: square k x k kernel, stride 1. */
export interface BenchLayer {
  inC: number;
  outC: number;
  k: number;
  padding: Padding;
  mode: PaddingMode;
  relu: boolean;
}

const same = (inC: number, outC: number, k: number, relu: boolean): BenchLayer => ({ inC, outC, k, padding: 'same', mode: 'replicate', relu });

/**
 * The SRCNN networks the forward benches time: the authors' 9-1-5 and 9-5-5 ('same', replicate
 * borders) and the Keras tutorial's 9-3-5 with 128/64 filters (valid / same zeros / valid).
 */
export const BENCH_MODELS: Readonly<Record<string, readonly BenchLayer[]>> = {
  '9-1-5': [same(1, 64, 9, true), same(64, 32, 1, true), same(32, 1, 5, false)],
  '9-5-5': [same(1, 64, 9, true), same(64, 32, 5, true), same(32, 1, 5, false)],
  'keras 9-3-5 (128-64)': [
    { inC: 1, outC: 128, k: 9, padding: 'valid', mode: 'zeros', relu: true },
    { inC: 128, outC: 64, k: 3, padding: 'same', mode: 'zeros', relu: true },
    { inC: 64, outC: 1, k: 5, padding: 'valid', mode: 'zeros', relu: false },
  ],
};
