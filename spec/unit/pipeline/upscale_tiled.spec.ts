/**
 * `model.upscale` as a tiled, parallel, cancellable run: tiled == untiled == the whole-image
 * pipeline on real-size 9-1-5 networks (js and wasm-simd, 1 and 2 threads), progress per tile,
 * cancellation within one tile, and the worker pool's lifetime (reused across calls, replaced when
 * a call asks for another thread count, shut down by dispose()).
 */
import { expect } from 'chai';
import { createJsBackend } from '../../../lib/backend/js.js';
import { simdSupported } from '../../../lib/backend/index.js';
import { AbortError, OptionError, ValueError } from '../../../lib/errors.js';
import { createImage, type Channels, type Image } from '../../../lib/image/image.js';
import { imresizeU8 } from '../../../lib/image/imresize.js';
import { architecture } from '../../../lib/model/architectures.js';
import { initLayers } from '../../../lib/nn/init.js';
import { spawnNodeWasmWorker } from '../../../lib/node/wasm_workers.js';
import { srcnn } from '../../../lib/pipeline/srcnn.js';
import type { SpawnWasmWorker } from '../../../lib/wasm/pool.js';
import type { SrcnnWeights } from '../../../lib/weights/types.js';
import { referenceUpscale } from '../../helpers/upscale_reference.js';
import { expectSameBytes } from '../../helpers/images.js';
import { rejection } from '../../helpers/rejection.js';

/** Seeded 9-1-5 weights (64/32 filters) with a mean-preserving first layer, so outputs span 0..255. */
function weights915(seed: number): SrcnnWeights {
  const layers = initLayers(architecture('9-1-5'), { seed, std: [0.02, 0.1, 0.02] });
  for (let o = 0; o < 64; o++) layers[0]!.weights[o * 81 + 40]! += 0.5;
  return { layers, meta: { architecture: '9-1-5', scale: 2, colour: 'matlab-y' } };
}

function picture(w: number, h: number, channels: Channels, seed: number): Image {
  const img = createImage(w, h, channels);
  let s = seed >>> 0;
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++, i++) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        img.data[i] = Math.max(0, Math.min(255, Math.round(128 + 90 * Math.sin((x + 3 * c) / 3.1) * Math.cos(y / 4.3) + ((s >>> 24) & 31) - 16)));
      }
    }
  }
  return img;
}

/** spawnNodeWasmWorker with counters. */
function countingSpawner(): { spawn: SpawnWasmWorker; spawned: number; terminated: number } {
  const c = {
    spawned: 0,
    terminated: 0,
    spawn: ((init) => {
      c.spawned++;
      const h = spawnNodeWasmWorker(init);
      return {
        terminate(): void {
          c.terminated++;
          h.terminate();
        },
      };
    }) as SpawnWasmWorker,
  };
  return c;
}

describe('pipeline/srcnn: tiled upscale', function () {
  this.timeout(120_000);
  const w = weights915(11);
  const rgba = picture(45, 37, 4, 1);
  const rgb = picture(45, 37, 3, 2);

  it('tiled and untiled upscale of RGB and RGBA images are byte-identical, and equal the whole-image pipeline (js)', async () => {
    const backend = createJsBackend();
    const model = srcnn({ weights: w, backend });
    for (const img of [rgb, rgba]) {
      const untiled = await model.upscale(img, { tileSize: 1000 });
      expectSameBytes(untiled, referenceUpscale(w, backend, img), `${img.channels} channels, one tile vs whole-image pipeline`);
      for (const tileSize of [7, 32, 50]) {
        expectSameBytes(await model.upscale(img, { tileSize }), untiled, `${img.channels} channels, tile ${tileSize}`);
      }
    }
    // The network really changes the image (the test would be weak if the output were the bicubic image).
    const out = await model.upscale(rgb);
    const bicubic = imresizeU8(rgb, { scale: 2 });
    expect(out.data.filter((v, i) => v !== bicubic.data[i]).length).to.be.greaterThan(out.data.length / 2);
    model.dispose();
  });

  (simdSupported() ? it : it.skip)('wasm-simd: tiled == untiled on 1 and 2 threads, and the thread count does not change a byte', async () => {
    const model = srcnn({ weights: w, backend: 'wasm-simd', threads: 2, spawnWorker: spawnNodeWasmWorker });
    const untiled = await model.upscale(rgba, { tileSize: 1000, threads: 1 });
    for (const threads of [1, 2]) {
      for (const tileSize of [9, 40, 1000]) {
        expectSameBytes(await model.upscale(rgba, { tileSize, threads }), untiled, `${threads} threads, tile ${tileSize}`);
      }
    }
    model.dispose();
  });

  it('reports progress after every tile: (done, total) with total = number of output tiles', async () => {
    const model = srcnn({ weights: w, backend: createJsBackend(), tileSize: 32 });
    const seen: string[] = [];
    await model.upscale(rgb, { onProgress: (d, t) => seen.push(`${d}/${t}`) }); // 90x74 output: 3 x 3 tiles of 32
    expect(seen).to.deep.equal(['1/9', '2/9', '3/9', '4/9', '5/9', '6/9', '7/9', '8/9', '9/9']);
    model.dispose();
  });

  it('an abort stops the run within one tile and rejects with AbortError', async () => {
    const model = srcnn({ weights: w, backend: createJsBackend(), tileSize: 16 });
    // Aborted from the progress callback: no further tile runs.
    const ac = new AbortController();
    const done: number[] = [];
    const e1 = await rejection(model.upscale(rgb, { signal: ac.signal, onProgress: (d) => { done.push(d); if (d === 2) ac.abort(); } }));
    expect(e1).to.be.instanceOf(AbortError);
    expect(done).to.deep.equal([1, 2]);
    // Aborted by a timer while tiles run: at most the tile in progress finishes.
    const timer = new AbortController();
    let atAbort = -1, last = 0;
    const run = model.upscale(rgb, {
      signal: timer.signal,
      onProgress: (d) => {
        last = d;
        if (d === 1) setTimeout(() => { atAbort = last; timer.abort(new Error('timeout')); }, 0);
      },
    });
    const e2 = await rejection(run);
    expect(e2).to.be.instanceOf(AbortError);
    expect(e2.message).to.match(/aborted: timeout/);
    expect(atAbort).to.be.at.least(1);
    expect(last - atAbort).to.be.at.most(1);
    expect(last).to.be.below(30); // 90x74 in 16 px tiles is 30 tiles
    // A signal aborted before the call: nothing runs.
    let any = false;
    const e3 = await rejection(model.upscale(rgb, { signal: AbortSignal.abort(), onProgress: () => { any = true; } }));
    expect(e3).to.be.instanceOf(AbortError);
    expect(any).to.equal(false);
    model.dispose();
  });

  (simdSupported() ? it : it.skip)('reuses the worker pool across calls, replaces it for another thread count, and dispose() shuts it down', async () => {
    const c = countingSpawner();
    const model = srcnn({ weights: w, backend: 'wasm-simd', threads: 2, spawnWorker: c.spawn });
    expect(c.spawned).to.equal(0); // nothing starts before the first call
    const a = await model.upscale(rgb);
    await model.upscale(rgb);
    await model.upscale(rgb, { threads: 2 });
    expect([c.spawned, c.terminated]).to.deep.equal([1, 0]);
    const one = await model.upscale(rgb, { threads: 1 }); // 1 thread: no workers; the 2-thread pool stops
    expect([c.spawned, c.terminated]).to.deep.equal([1, 1]);
    expectSameBytes(one, a, '1 vs 2 threads');
    await model.upscale(rgb, { threads: 3 });
    expect([c.spawned, c.terminated]).to.deep.equal([3, 1]);
    model.dispose();
    expect([c.spawned, c.terminated]).to.deep.equal([3, 3]);
    expect(await rejection(model.upscale(rgb))).to.be.instanceOf(ValueError).with.property('message').match(/disposed/);
  });

  (simdSupported() ? it : it.skip)('dispose() during a call stops it within one tile (AbortError) and shuts the pool down when it has stopped', async () => {
    const c = countingSpawner();
    const model = srcnn({ weights: w, backend: 'wasm-simd', threads: 2, spawnWorker: c.spawn, tileSize: 16 });
    const done: number[] = [];
    let terminatedAtDispose = -1;
    const e = await rejection(model.upscale(rgb, {
      onProgress: (d) => {
        done.push(d);
        if (d === 3) {
          model.dispose();
          terminatedAtDispose = c.terminated;
        }
      },
    }));
    expect(e).to.be.instanceOf(AbortError);
    expect(e.message).to.match(/the model was disposed/);
    expect(done).to.deep.equal([1, 2, 3]);
    expect(terminatedAtDispose).to.equal(0); // the running call still held the pool
    expect([c.spawned, c.terminated]).to.deep.equal([1, 1]);
  });

  it('rejects bad thread counts and unknown options with OptionError', async () => {
    const backend = createJsBackend();
    expect(() => srcnn({ weights: w, backend, threads: 2 })).to.throw(OptionError, /differs from the given backend's 1/);
    expect(() => srcnn({ weights: w, threads: 0 })).to.throw(OptionError, /threads must be an integer >= 1/);
    const model = srcnn({ weights: w, backend });
    expect(await rejection(model.upscale(rgb, { threads: 2 }))).to.be.instanceOf(OptionError).with.property('message').match(/threads 2 differs/);
    expect(await rejection(model.upscale(rgb, { threads: 1.5 }))).to.be.instanceOf(OptionError);
    expect(await rejection(model.upscale(rgb, { tile: 4 } as never))).to.be.instanceOf(OptionError).with.property('message').match(/unknown option 'tile'/);
    expect(await rejection(model.restore(rgb, { scale: 2 } as never))).to.be.instanceOf(OptionError).with.property('message').match(/unknown option 'scale'/);
    model.dispose();
  });
});
