/**
 * One large `upscale()` in a process of its own, for peak-memory measurements:
 *
 *     node build/bench/upscale_child.js [--size 2048] [--scale 2] [--backend wasm-simd] [--threads 1]
 *       [--tile 256] [--runs 1] [--split tiles|kernels]
 *
 * Upscales a generated `size x size` RGB image (see {@link testImage}) with the 9-1-5 network: the
 * shipped `weights/srcnn-9-1-5-x<scale>.safetensors` when it exists, else seeded random weights
 * (the speed and memory do not depend on the values). A 256x256 upscale (4 output tiles, so tile
 * workers start too) first warms up the JIT and the kernels. Prints one line of JSON ({@link ChildResult}): times of the timed runs, the peak
 * resident set size of the whole process (`process.resourceUsage().maxRSS`) before and after the
 * large upscale, the CPU time per wall time and the load average (the machine may be shared), and an
 * FNV-1a hash of the output bytes (equal hashes = identical outputs).
 * bench/suites/upscale_large.bench.ts forks it once per configuration.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Image } from '../lib/image/image.js';
import { architecture } from '../lib/model/architectures.js';
import { initLayers } from '../lib/nn/init.js';
import { loadShippedWeights, shippedWeightsPath } from '../lib/node/shipped_weights.js';
import { spawnNodeTileWorker } from '../lib/node/tile_workers.js';
import { spawnNodeWasmWorker } from '../lib/node/wasm_workers.js';
import { srcnn } from '../lib/pipeline/srcnn.js';
import type { SrcnnWeights } from '../lib/weights/types.js';
import { median } from '../lib/util/median.js';

/** What the child prints (one JSON line on stdout). */
export interface ChildResult {
  size: number;
  scale: number;
  backend: string;
  threads: number;
  /** How threads share the work: whole tiles on tile workers, or each kernel call split. */
  split: 'tiles' | 'kernels';
  tileSize: number;
  weights: 'shipped' | 'random';
  outWidth: number;
  outHeight: number;
  /** Every timed run, ms. */
  runsMs: number[];
  medianMs: number;
  /** CPU time (user + system, all threads) of the timed runs divided by their wall time: the cores kept busy. */
  cpuPerWall: number;
  /** 1-minute load average before and after the timed runs. */
  loadAvg: [number, number];
  /** Peak RSS (MB) after generating the input and warming up, before the large upscale. */
  rssBeforeMB: number;
  /** Peak RSS (MB) of the whole process at the end. */
  maxRssMB: number;
  /** FNV-1a (32-bit) of the output bytes, hex. */
  outputHash: string;
}

/** A deterministic textured RGB image (smooth waves plus seeded noise). */
export function testImage(n: number): Image {
  const data = new Uint8Array(n * n * 3);
  let seed = 987654321;
  for (let y = 0, i = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      for (let c = 0; c < 3; c++, i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        const v = 128 + 70 * Math.sin(x / (7 + 2 * c)) * Math.cos(y / 11) + ((seed >>> 24) & 15) - 8;
        data[i] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return { width: n, height: n, channels: 3, data };
}

/** The shipped 9-1-5 weights for `scale` when present, else seeded random ones of that shape. */
export function benchWeights(scale: number): { weights: SrcnnWeights; kind: 'shipped' | 'random' } {
  if (existsSync(shippedWeightsPath(scale))) return { weights: loadShippedWeights(scale), kind: 'shipped' };
  const layers = initLayers(architecture('9-1-5'), { seed: 7, std: [0.05, 0.1, 0.02] });
  return { weights: { layers, meta: { architecture: '9-1-5', scale, colour: 'matlab-y' } }, kind: 'random' };
}

function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function maxRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: '2048' },
      scale: { type: 'string', default: '2' },
      backend: { type: 'string', default: 'wasm-simd' },
      threads: { type: 'string', default: '1' },
      tile: { type: 'string', default: '256' },
      runs: { type: 'string', default: '1' },
      split: { type: 'string', default: 'tiles' },
    },
    strict: true,
  });
  const size = Number(values.size), scale = Number(values.scale), threads = Number(values.threads);
  const tileSize = Number(values.tile), runs = Number(values.runs);
  const backend = values.backend as 'js' | 'wasm-simd';
  if (values.split !== 'tiles' && values.split !== 'kernels') throw new Error(`--split must be tiles or kernels, got ${values.split}`);
  const split = values.split;
  const { weights, kind } = benchWeights(scale);
  const model = srcnn({
    weights, backend, threads, spawnWorker: spawnNodeWasmWorker, tileSize,
    ...(split === 'tiles' ? { spawnTileWorker: spawnNodeTileWorker } : {}),
  });
  // Large enough for tile workers (4 tiles at 256), so they are started and warm too.
  await model.upscale(testImage(256));
  const img = testImage(size);
  const rssBeforeMB = maxRssMB();
  const runsMs: number[] = [];
  let out: Image | null = null;
  const load0 = loadavg()[0]!;
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < runs; r++) {
    out = null;
    const t0 = performance.now();
    out = await model.upscale(img);
    runsMs.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  const load1 = loadavg()[0]!;
  model.dispose();
  const result: ChildResult = {
    size, scale, backend, threads, split, tileSize, weights: kind,
    outWidth: out!.width, outHeight: out!.height,
    runsMs, medianMs: median(runsMs),
    cpuPerWall: (cpu.user + cpu.system) / 1000 / runsMs.reduce((a, b) => a + b, 0),
    loadAvg: [load0, load1],
    rssBeforeMB, maxRssMB: maxRssMB(), outputHash: fnv1a(out!.data),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// Run only as a script (the bench suite imports the types and helpers).
if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
