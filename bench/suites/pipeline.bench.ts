/**
 * End-to-end `upscale()`: a 512x512 RGB image to 1536x1536 (x3) with the 9-1-5 network (the shipped
 * architecture): MATLAB bicubic pre-upscaling, MATLAB Y, the network tile by tile, recombination.
 * Throughput is output Mpixel/s.
 *
 * Rows (each with its baseline timed in this process):
 * - auto backend (wasm-simd where available) vs the scalar 'js' backend: the speed-up of the kernels
 *   as seen by a user;
 * - auto with 2 threads vs auto with 1 (Node worker threads);
 * - bicubic pre-upscaling alone vs the full pipeline: what SRCNN costs on top of bicubic (ratio < 1).
 * Weight values do not affect speed: seeded random 9-1-5 weights are used.
 */
import { performance } from 'node:perf_hooks';
import { measure, mpixels, throughputRow, type BenchRow, type BenchSuite } from '../harness.js';
import type { Image } from '../../lib/image/image.js';
import { imresizeU8 } from '../../lib/image/imresize.js';
import { architecture } from '../../lib/model/architectures.js';
import { initLayers } from '../../lib/nn/init.js';
import type { Backend } from '../../lib/backend/backend.js';
import { createNodeBackend } from '../../lib/node/wasm_workers.js';
import { srcnn, type SrcnnModel } from '../../lib/pipeline/srcnn.js';
import type { SrcnnWeights } from '../../lib/weights/types.js';

const SCALE = 3;

/** A deterministic textured RGB image. */
function testImage(n: number): Image {
  const data = new Uint8Array(n * n * 3);
  let seed = 987654321;
  for (let y = 0, i = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      for (let c = 0; c < 3; c++, i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const v = 128 + 70 * Math.sin(x / (7 + 2 * c)) * Math.cos(y / 11) + ((seed >>> 24) & 15) - 8;
        data[i] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return { width: n, height: n, channels: 3, data };
}

function weights(): SrcnnWeights {
  return { layers: initLayers(architecture('9-1-5'), { seed: 7, std: 0.05 }), meta: { architecture: '9-1-5', scale: SCALE, colour: 'matlab-y' } };
}

function model(backend: Backend): SrcnnModel {
  return srcnn({ weights: weights(), backend });
}

export const suite: BenchSuite = {
  name: 'pipeline',
  async run(ctx) {
    const n = ctx.quick ? 128 : 512;
    const img = testImage(n);
    const outPx = n * SCALE * (n * SCALE);
    const opts = { warmup: ctx.quick ? 0 : 1, runs: ctx.quick ? 1 : 3 };
    const slowOpts = { warmup: 0, runs: ctx.quick ? 1 : 2 };
    const work = (ms: number) => mpixels(outPx, ms);
    const rows: BenchRow[] = [];
    const label = `upscale ${n}² RGB x${SCALE} 9-1-5`;

    const autoBackend = createNodeBackend({ backend: 'auto' });
    const auto = model(autoBackend);
    const autoName = `auto (${autoBackend.name})`;
    const tAuto = await measure(() => auto.upscale(img), opts);
    const jsBackend = createNodeBackend({ backend: 'js' });
    const js = model(jsBackend);
    const tJs = await measure(() => js.upscale(img), slowOpts);
    // Stage breakdown (one run each): bicubic, network only.
    const t0 = performance.now();
    imresizeU8(img, { scale: SCALE });
    const bicubicMs = performance.now() - t0;
    rows.push(throughputRow('pipeline', `${label}, ${autoName}`, 'Mpixel/s', work, tAuto, { name: 'js backend', timing: tJs }, { outputPixels: outPx, bicubicMs }));
    js.dispose();
    jsBackend.dispose();

    const twoBackend = createNodeBackend({ backend: 'auto', threads: 2 });
    const two = model(twoBackend);
    const tTwo = await measure(() => two.upscale(img), opts);
    rows.push(throughputRow('pipeline', `${label}, ${autoName}, 2 threads`, 'Mpixel/s', work, tTwo, { name: '1 thread', timing: tAuto }));
    two.dispose();
    twoBackend.dispose();

    const tBic = await measure(() => imresizeU8(img, { scale: SCALE }), opts);
    rows.push(throughputRow('pipeline', `${label}, ${autoName} (full pipeline)`, 'Mpixel/s', work, tAuto, { name: 'bicubic alone', timing: tBic }));
    auto.dispose();
    autoBackend.dispose();
    return rows;
  },
};
