/**
 * A large upscale: a generated 2048x2048 RGB image to 4096x4096 (x2) with the 9-1-5 network (the
 * shipped weights when present, else seeded random ones: speed and memory do not depend on the
 * values), MATLAB bicubic, default 256 px tiles. Each configuration runs in a child process
 * (build/bench/upscale_child.js, forked) so that its peak RSS is its own.
 *
 * Rows, with the baseline of each timed in the same run:
 * - wasm-simd 1 thread, output Mpixel/s, vs the scalar 'js' backend on a 512x512 input (x2; per-pixel
 *   throughput does not depend on the image size, and the js backend would take minutes on 2048²);
 * - wasm-simd 2 threads vs 1 thread: the speed-up (target >= 1.7), with whole tiles on two tile
 *   workers (the default) and, for comparison, with each kernel call split over two threads;
 * - peak RSS (MB, `process.resourceUsage().maxRSS` of the child) for 1 and 2 threads (target < 400;
 *   the output alone is 48 MB).
 * The machine may be shared (e.g. with a training run): every row reports the 1-minute load average
 * around its runs and the child's CPU time per wall time (how many cores it actually got).
 * --quick: 256x256 input (js: 64x64), one run.
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { mpixels, throughputRow, type BenchRow, type BenchSuite, type Timing } from '../harness.js';
import type { ChildResult } from '../upscale_child.js';

const SUITE = 'upscale_large';
const CHILD = fileURLToPath(new URL('../upscale_child.js', import.meta.url));

/** Runs the child with `args` and parses its JSON line. */
function runChild(args: Record<string, string | number>): Promise<ChildResult> {
  const argv = Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)]);
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, argv, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`upscale_child ${argv.join(' ')} exited with code ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult);
    });
  });
}

function timing(r: ChildResult): Timing {
  return { medianMs: r.medianMs, minMs: Math.min(...r.runsMs), maxMs: Math.max(...r.runsMs), runs: r.runsMs.length };
}

function details(r: ChildResult): Record<string, unknown> {
  return {
    input: `${r.size}x${r.size}x3`, output: `${r.outWidth}x${r.outHeight}`, weights: r.weights, tileSize: r.tileSize, split: r.split,
    ms: Math.round(r.medianMs), maxRssMB: Math.round(r.maxRssMB), cpuPerWall: +r.cpuPerWall.toFixed(2),
    loadAvg: r.loadAvg.map((l) => +l.toFixed(2)), outputHash: r.outputHash,
  };
}

function rssRow(name: string, r: ChildResult): BenchRow {
  return {
    suite: SUITE, name, unit: 'MB', value: r.maxRssMB, timing: timing(r),
    extra: { ...details(r), rssBeforeUpscaleMB: Math.round(r.rssBeforeMB), outputMB: +((r.outWidth * r.outHeight * 3) / 2 ** 20).toFixed(1), targetMB: 400 },
  };
}

export const suite: BenchSuite = {
  name: SUITE,
  async run(ctx) {
    const size = ctx.quick ? 256 : 2048;
    const jsSize = ctx.quick ? 64 : 512;
    const runs = ctx.quick ? 1 : 2;
    const label = `upscale ${size}² RGB x2 9-1-5`;
    const out = (n: number) => 2 * n * (2 * n);
    const common = { size, scale: 2, backend: 'wasm-simd', runs };
    process.stderr.write(`  load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    const one = await runChild({ ...common, threads: 1 });
    const two = await runChild({ ...common, threads: 2 });
    const twoKernels = await runChild({ ...common, threads: 2, split: 'kernels' });
    const js = await runChild({ size: jsSize, scale: 2, backend: 'js', threads: 1, runs: 1 });
    process.stderr.write(`  load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    for (const r of [two, twoKernels]) {
      if (r.outputHash !== one.outputHash) throw new Error(`1 and 2 threads (${r.split}) gave different outputs (${one.outputHash} vs ${r.outputHash})`);
    }
    const jsWork = (ms: number) => mpixels(out(jsSize), ms);
    const work = (ms: number) => mpixels(out(size), ms);
    // The js baseline ran on a smaller image: compare throughputs (Mpixel/s), not times.
    const r1 = throughputRow(SUITE, `${label}, wasm-simd 1 thread`, 'Mpixel/s', work, timing(one), undefined, details(one));
    const jsMpx = jsWork(js.medianMs);
    r1.baseline = { name: `js backend (${jsSize}² input)`, value: jsMpx, timing: timing(js) };
    r1.ratio = r1.value / jsMpx;
    const r2 = throughputRow(SUITE, `${label}, wasm-simd 2 threads`, 'Mpixel/s', work, timing(two), { name: '1 thread', timing: timing(one) }, { ...details(two), speedupTarget: 1.7 });
    const r3 = throughputRow(SUITE, `${label}, wasm-simd 2 threads splitting kernels`, 'Mpixel/s', work, timing(twoKernels), { name: '1 thread', timing: timing(one) }, details(twoKernels));
    return [r1, r2, r3, rssRow(`${label}, peak RSS, 1 thread`, one), rssRow(`${label}, peak RSS, 2 threads`, two),
      rssRow(`${label}, peak RSS, 2 threads splitting kernels`, twoKernels)];
  },
};
