/**
 * Benchmark harness: every suite in `bench/suites/*.bench.ts` exports `suite: BenchSuite`.
 * `npm run bench [-- --filter <substr>] [--quick]` runs them, prints a table and writes
 * `bench/results/bench-<timestamp>.json` (and `bench/results/latest.json`).
 *
 * Rules: medians after warm-up; every row that claims a speed also times a baseline in the same
 * process (naive loop, peer library or the scalar backend) and reports the ratio.
 */
import { performance } from 'node:perf_hooks';
import { median } from '../lib/util/median.js';

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

export interface BenchRow {
  suite: string;
  name: string;
  /** What `value` measures, e.g. 'GFLOP/s', 'Mpixel/s', 'ms', 'patches/s', 'MB'. */
  unit: string;
  value: number;
  timing: Timing;
  /** The baseline timed in the same process, if any. */
  baseline?: { name: string; value: number; timing: Timing };
  /** value / baseline.value for throughput units (for 'ms': baseline ms / ms), i.e. >1 means faster. */
  ratio?: number;
  extra?: Record<string, unknown>;
}

export interface BenchContext {
  /** --quick: fewer runs and smaller sizes (used to smoke-test the suites). */
  quick: boolean;
  /** Absolute path of ../shared (reference data), or null when absent. */
  sharedDir: string | null;
}

export interface BenchSuite {
  name: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

/** Times `fn`: `warmup` untimed calls, then `runs` timed calls; returns median/min/max in ms. */
export async function measure(
  fn: () => unknown | Promise<unknown>,
  opts: { warmup?: number; runs?: number } = {},
): Promise<Timing> {
  const warmup = opts.warmup ?? 2;
  const runs = Math.max(1, opts.runs ?? 5);
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return { medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), runs };
}

/** GFLOP/s for `flops` floating-point operations done in `ms` milliseconds. */
export function gflops(flops: number, ms: number): number {
  return flops / (ms * 1e6);
}

/** Mpixel/s for `pixels` processed in `ms` milliseconds. */
export function mpixels(pixels: number, ms: number): number {
  return pixels / (ms * 1e3);
}

/**
 * Builds a throughput row with its baseline and ratio.
 * `work` converts a timing to the unit (e.g. ms => gflops(flops, ms)).
 */
export function throughputRow(
  suite: string, name: string, unit: string, work: (ms: number) => number,
  timing: Timing, baseline?: { name: string; timing: Timing }, extra?: Record<string, unknown>,
): BenchRow {
  const row: BenchRow = { suite, name, unit, value: work(timing.medianMs), timing };
  if (baseline) {
    const bv = work(baseline.timing.medianMs);
    row.baseline = { name: baseline.name, value: bv, timing: baseline.timing };
    row.ratio = row.value / bv;
  }
  if (extra) row.extra = extra;
  return row;
}
