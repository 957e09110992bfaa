/**
 * `srcnn-ts bench`: a built-in quick benchmark of the SRCNN forward pass (batch 1, one `size x size`
 * plane, seeded random weights of `--arch`: speed does not depend on the values) on every backend
 * this runtime has: 'js' (scalar reference, 1 thread), 'wasm-simd' on 1 thread and on `--threads`
 * (Node worker threads). Each row is the median of `--runs` timed passes after one warm-up pass,
 * in ms, output Mpixel/s, GFLOP/s (2 x multiply-adds) and the speed-up over 'js'. Needs nothing but
 * the library (no dev dependencies, no weights file). The 1-minute load average is printed too: on a
 * shared machine, multi-thread rows are only meaningful when the other cores are idle.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import type { Backend } from '../../backend/backend.js';
import { createBackend, simdSupported } from '../../backend/index.js';
import { AbortError } from '../../errors.js';
import { convMacs } from '../../kernels/conv_info.js';
import { architecture } from '../../model/architectures.js';
import { GaussianStream, initLayers } from '../../nn/init.js';
import { Sequential } from '../../nn/sequential.js';
import { spawnNodeWasmWorker } from '../../node/wasm_workers.js';
import { int, optInt, str, type Parsed } from '../args.js';
import type { CliContext, Command } from '../command.js';
import { UsageError } from '../errors.js';
import { median } from '../../util/median.js';

/** One timed configuration. */
interface BenchResult {
  backend: string;
  threads: number;
  medianMs: number;
  minMs: number;
  mpixelsPerS: number;
  gflops: number;
  /** js median / this median. */
  speedupVsJs: number;
}

/** Times `runs` forward passes after one warm-up; returns every time in ms. */
function timeForward(net: Sequential, x: Float32Array, size: number, runs: number, signal: AbortSignal): number[] {
  net.forward(x, 1, size, size);
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    if (signal.aborted) throw new AbortError('The operation was aborted');
    const t0 = performance.now();
    net.forward(x, 1, size, size);
    times.push(performance.now() - t0);
  }
  return times;
}

export const bench: Command = {
  name: 'bench',
  summary: 'time the SRCNN forward pass on the js and wasm-simd backends (1 and N threads)',
  usage: 'srcnn-ts bench [--size 512] [--arch 9-1-5] [--runs 3] [--threads N]',
  options: {
    size: { type: 'string', arg: 'px', help: 'side of the square input plane', default: '512' },
    arch: { type: 'string', arg: 'name', help: "network layout: '9-1-5', '9-5-5', 'keras-9-3-5' or any 'f1-f2-f3'", default: '9-1-5' },
    runs: { type: 'string', arg: 'n', help: 'timed passes per row after one warm-up (the median is reported)', default: '3' },
    threads: { type: 'string', arg: 'n', help: 'threads of the multi-threaded wasm-simd row (default: one per core; 1 = no such row)' },
  },
  async run(p: Parsed, ctx: CliContext) {
    if (p.positionals.length > 0) throw new UsageError(`bench takes no positional arguments, got '${p.positionals[0]}'`);
    const size = int(p, 'size', 512, 1, 8192);
    const runs = int(p, 'runs', 3, 1, 1000);
    const threads = optInt(p, 'threads', 1, 64) ?? availableParallelism();
    const arch = str(p, 'arch', '9-1-5');
    const specs = architecture(arch);
    const layers = initLayers(specs, { seed: 1, std: 0.05 });
    const x = new GaussianStream(2).fill(new Float32Array(size * size * specs[0]!.in), 0.25);
    for (let i = 0; i < x.length; i++) x[i] = x[i]! + 0.5;
    const configs: Array<{ backend: 'js' | 'wasm-simd'; threads: number }> = [{ backend: 'js', threads: 1 }];
    if (simdSupported()) {
      configs.push({ backend: 'wasm-simd', threads: 1 });
      if (threads > 1) configs.push({ backend: 'wasm-simd', threads });
    } else {
      ctx.info('wasm-simd: WebAssembly SIMD is not supported here; timing js only');
    }
    const load = loadavg();
    ctx.info(`SRCNN ${arch} forward, ${size}x${size} plane, median of ${runs} run(s) after 1 warm-up; ` +
      `${cpus().length} cores, load average ${load.map((l) => l.toFixed(2)).join(' ')}`);
    const results: BenchResult[] = [];
    let jsMs = NaN;
    for (const c of configs) {
      const backend: Backend = createBackend({ backend: c.backend, threads: c.threads, spawnWorker: spawnNodeWasmWorker });
      const net = new Sequential(layers, backend);
      try {
        let h = size, w = size, macs = 0;
        for (const layer of net.layers) {
          const info = layer.info(1, h, w);
          macs += convMacs(info);
          h = info.outH;
          w = info.outW;
        }
        const times = timeForward(net, x, size, runs, ctx.signal);
        const medianMs = median(times);
        if (c.backend === 'js') jsMs = medianMs;
        results.push({
          backend: c.backend, threads: c.threads, medianMs, minMs: Math.min(...times),
          mpixelsPerS: (h * w) / (medianMs * 1e3), gflops: (2 * macs) / (medianMs * 1e6), speedupVsJs: jsMs / medianMs,
        });
      } finally {
        net.dispose();
        backend.dispose();
      }
    }
    if (ctx.json) {
      ctx.print(JSON.stringify({ arch, size, runs, cores: cpus().length, loadAvg: load, results }));
      return;
    }
    ctx.print(`${'backend'.padEnd(10)} ${'threads'.padStart(7)} ${'median ms'.padStart(10)} ${'min ms'.padStart(9)} ${'Mpixel/s'.padStart(9)} ${'GFLOP/s'.padStart(8)} ${'vs js'.padStart(7)}`);
    for (const r of results) {
      ctx.print(`${r.backend.padEnd(10)} ${String(r.threads).padStart(7)} ${r.medianMs.toFixed(1).padStart(10)} ${r.minMs.toFixed(1).padStart(9)} ` +
        `${r.mpixelsPerS.toFixed(2).padStart(9)} ${r.gflops.toFixed(2).padStart(8)} ${`${r.speedupVsJs.toFixed(2)}x`.padStart(7)}`);
    }
  },
};
