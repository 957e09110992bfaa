/**
 * SRCNN forward pass (batch 1, one 256x256 or 512x512 Y plane) in srcnn-ts and in the engines a user
 * could run instead in JavaScript, all in this process, on the same random weights and input
 * (bench/peers/models.ts: 9-1-5 and 9-5-5 'same' with zero borders, Keras 9-3-5 128/64):
 *
 * - srcnn-ts 'wasm-simd' on 1 and 2 threads, and the scalar 'js' backend;
 * - tfjs 4.22 'cpu' (pure JS) and 'wasm' (XNNPACK, SIMD build, 1 thread: no threads in Node);
 * - onnxruntime-web (wasm execution provider) on 1 and 2 threads, each in a worker thread.
 *
 * Before any timing each engine's output is compared with srcnn-ts wasm-simd 1 thread: the run
 * fails when the largest absolute difference exceeds {@link TOLERANCE} (float32 sums of up to 1600
 * terms in different orders). Then: 2 warm-up runs (the checked run is the first) and the median of
 * 5 timed runs; an engine whose first run takes over {@link SLOW_MS} (the js backend and tfjs cpu at
 * 512x512) gets 1 warm-up and 3 timed runs. GFLOP/s = 2 x exact MACs / median time ('valid' layers
 * count only their output pixels).
 *
 * Each row is one srcnn-ts configuration against one peer (`value` = srcnn-ts GFLOP/s, baseline =
 * the peer's, `ratio` = srcnn-ts / peer speed): wasm-simd 1t vs js, wasm-simd 2t vs 1t, js vs tfjs
 * cpu, wasm-simd 1t vs tfjs cpu, tfjs wasm and onnxruntime-web 1t, wasm-simd 2t vs onnxruntime-web
 * 2t. `extra` holds both sides' ms, GFLOP/s, output difference, the 1-minute load average before the
 * runs and CPU time per wall time (cores actually used; 2-thread rows need ~2). The markdown tables
 * of docs/performance.md come from `node build/bench/peers/report.js [results.json]`.
 *
 * --quick: 64x64 planes, 1 warm-up and 2 timed runs. The environment variable PEERS_CASES picks
 * cases (`model@size`, comma-separated, e.g. `PEERS_CASES=9-1-5@512,9-5-5@512`) to re-measure a few
 * on a shared machine.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { gflops, measure, throughputRow, type BenchRow, type BenchSuite, type Timing } from '../harness.js';
import { ortWebEngine, srcnnTsEngine, tfjsEngine, type Engine } from '../peers/engines.js';
import { maxAbsDiff, peerCase, PEER_MODELS, type PeerCase, type PeerModel } from '../peers/models.js';

const SUITE = 'peers';
/** Largest accepted |engine - srcnn-ts wasm-simd| on any output pixel (outputs are O(1)). */
const TOLERANCE = 1e-4;
/** First-run time (ms) above which an engine gets 1 warm-up and 3 timed runs. */
const SLOW_MS = 2000;

/** The (model, size) cases to run: PEERS_CASES when set, else every model at every size. */
function cases(quick: boolean): [PeerModel, number][] {
  const sizes = quick ? [64] : [256, 512];
  const all = sizes.flatMap((size) => PEER_MODELS.map((m): [PeerModel, number] => [m, size]));
  const pick = process.env['PEERS_CASES'];
  if (!pick) return all;
  return pick.split(',').map((item) => {
    const [m, size] = item.trim().split('@');
    if (!(PEER_MODELS as readonly string[]).includes(m!) || !Number.isInteger(Number(size)) || Number(size) < 16) {
      throw new Error(`PEERS_CASES: '${item}' is not model@size (models: ${PEER_MODELS.join(', ')}; size >= 16)`);
    }
    return [m as PeerModel, Number(size)];
  });
}

/** One engine's measurement on one case (stored in the rows' `extra`). */
export interface EngineResult {
  engine: string;
  label: string;
  threads: number;
  ms: number;
  minMs: number;
  maxMs: number;
  runs: number;
  gflops: number;
  /** max |output - srcnn-ts wasm-simd 1t output|. */
  maxAbsDiff: number;
  /** 1-minute load average just before the timed runs. */
  load1: number;
  /** Process CPU time / wall time over the warm-up and timed runs. */
  cpuPerWall: number;
}

/** Checks, then times `engine` on `c`; `ref` is the reference output (null: this engine is the reference). */
async function runEngine(engine: Engine, c: PeerCase, ref: Float32Array | null, quick: boolean): Promise<{ result: EngineResult; timing: Timing; y: Float32Array }> {
  const net = await engine.prepare(c);
  try {
    const t0 = performance.now();
    await net.run();
    const firstMs = performance.now() - t0;
    const y = await net.output();
    if (y.length !== c.outH * c.outW) {
      throw new Error(`${engine.label}: ${c.model} ${c.h}x${c.w} gave ${y.length} outputs, expected ${c.outH}x${c.outW}`);
    }
    const diff = ref === null ? 0 : maxAbsDiff(ref, y);
    if (!(diff <= TOLERANCE)) {
      throw new Error(`${engine.label} ${engine.threads}t: ${c.model} ${c.h}x${c.w} differs from srcnn-ts wasm-simd by ${diff} (> ${TOLERANCE})`);
    }
    const slow = firstMs > SLOW_MS;
    const load1 = loadavg()[0]!;
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    const timing = await measure(() => net.run(), { warmup: quick || slow ? 0 : 1, runs: quick ? 2 : slow ? 3 : 5 });
    const cpu = process.cpuUsage(cpu0);
    const cpuPerWall = (cpu.user + cpu.system) / 1000 / (performance.now() - w0);
    const result: EngineResult = {
      engine: engine.key, label: engine.label, threads: engine.threads, ms: timing.medianMs, minMs: timing.minMs, maxMs: timing.maxMs,
      runs: timing.runs, gflops: gflops(2 * c.macs, timing.medianMs), maxAbsDiff: diff, load1, cpuPerWall,
    };
    process.stderr.write(`  ${c.model} ${c.h}x${c.w} ${engine.label} ${engine.threads}t: ${timing.medianMs.toFixed(1)} ms, ` +
      `${result.gflops.toFixed(2)} GFLOP/s, diff ${diff.toExponential(1)}, load ${load1.toFixed(2)}, cpu/wall ${cpuPerWall.toFixed(2)}\n`);
    return { result, timing, y };
  } finally {
    await net.dispose();
  }
}

/** Row pairs (srcnn-ts configuration, peer), by engine key and thread count. */
const PAIRS: [string, number, string, number][] = [
  ['wasm-simd', 1, 'js', 1],
  ['wasm-simd', 2, 'wasm-simd', 1],
  ['js', 1, 'tfjs-cpu', 1],
  ['wasm-simd', 1, 'tfjs-cpu', 1],
  ['wasm-simd', 1, 'tfjs-wasm', 1],
  ['wasm-simd', 1, 'ort-web', 1],
  ['wasm-simd', 2, 'ort-web', 2],
];

export const suite: BenchSuite = {
  name: SUITE,
  async run(ctx) {
    // The reference engine (wasm-simd 1 thread) comes first.
    const engines: Engine[] = [
      srcnnTsEngine('wasm-simd', 1),
      srcnnTsEngine('wasm-simd', 2),
      ortWebEngine(1),
      ortWebEngine(2),
      await tfjsEngine('wasm'),
      srcnnTsEngine('js', 1),
      await tfjsEngine('cpu'),
    ];
    const rows: BenchRow[] = [];
    try {
      for (const [model, size] of cases(ctx.quick)) {
        const c = peerCase(model, size);
        const got = new Map<string, { result: EngineResult; timing: Timing }>();
        let ref: Float32Array | null = null;
        for (const e of engines) {
          const r = await runEngine(e, c, ref, ctx.quick);
          ref ??= r.y;
          got.set(`${e.key}/${e.threads}`, r);
        }
        for (const [ours, ot, peer, pt] of PAIRS) {
          const a = got.get(`${ours}/${ot}`);
          const b = got.get(`${peer}/${pt}`);
          if (!a || !b) continue;
          rows.push(throughputRow(SUITE, `${model} ${size}x${size} ${ours} ${ot}t vs ${peer} ${pt}t`, 'GFLOP/s',
            (ms) => gflops(2 * c.macs, ms), a.timing, { name: `${b.result.label} ${pt}t`, timing: b.timing },
            { model, size, macs: c.macs, ours: a.result, peer: b.result }));
        }
      }
    } finally {
      for (const e of engines) await e.close();
    }
    return rows;
  },
};
