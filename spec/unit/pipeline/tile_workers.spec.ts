/**
 * Tile-level parallelism (`pipeline/tile_pool.ts`, `pipeline/tile_worker.ts`, Node's
 * `spawnNodeTileWorker`): `upscale`/`restore` on tile workers give the same bytes as one thread for
 * every channel layout, border mode, network shape and backend; progress, abort and dispose; the
 * pool's lifetime; worker errors and crashes; and when the tile workers are not used.
 */
import { expect } from 'chai';
import { createJsBackend } from '../../../lib/backend/js.js';
import { simdSupported } from '../../../lib/backend/index.js';
import { AbortError, BackendError, ShapeError, ValueError } from '../../../lib/errors.js';
import type { Channels } from '../../../lib/image/image.js';
import { spawnNodeTileWorker } from '../../../lib/node/tile_workers.js';
import { srcnn, MIN_TILES_PER_THREAD } from '../../../lib/pipeline/srcnn.js';
import type { SpawnTileWorker, TileWorkerEvents } from '../../../lib/pipeline/tile_pool.js';
import { serveTileRequests, type TileReply, type TileRequest } from '../../../lib/pipeline/tile_worker.js';
import type { SrcnnWeights } from '../../../lib/weights/types.js';
import { expectSameBytes, randomImage } from '../../helpers/images.js';
import { TEST_NETS, nearIdentityWeights } from '../../helpers/upscale_nets.js';
import { rejection } from '../../helpers/rejection.js';

/** Wraps a spawner, counting workers started and terminated. */
function counting(inner: SpawnTileWorker): { spawn: SpawnTileWorker; spawned: number; terminated: number } {
  const c = {
    spawned: 0,
    terminated: 0,
    spawn: ((events) => {
      c.spawned++;
      const h = inner(events);
      return { ...h, terminate(): void { c.terminated++; h.terminate(); } };
    }) as SpawnTileWorker,
  };
  return c;
}

/**
 * Tile workers in this thread (messages cloned and delivered on later macrotasks, as between
 * threads); `tamper` may replace a reply or crash the worker instead of replying.
 */
function inProcess(tamper?: (reply: TileReply, events: TileWorkerEvents) => TileReply | null): SpawnTileWorker {
  return (events) => {
    let alive = true;
    const handle = serveTileRequests((reply) => {
      const r = structuredClone(reply);
      setImmediate(() => {
        if (!alive) return;
        const out = tamper ? tamper(r, events) : r;
        if (out !== null) events.message(out);
      });
    });
    return {
      post(req: TileRequest): void {
        const r = structuredClone(req);
        setImmediate(() => {
          if (alive) handle(r);
        });
      },
      setBusy(): void {},
      terminate(): void {
        alive = false;
      },
    };
  };
}

describe('pipeline/srcnn: tile workers', function () {
  this.timeout(120_000);
  const same = nearIdentityWeights(TEST_NETS['same 5-1-3 replicate']!, 3, 'matlab-y', 2);
  const valid = nearIdentityWeights(TEST_NETS['valid 5 / same-zeros 3 / valid 3']!, 4, 'opencv-y', 2);
  const rgb = randomImage(41, 29, 3, 5);

  it('upscale and restore on Node tile workers equal one thread, byte for byte (1-4 channels, both borders, same/valid nets, js backend)', async () => {
    const spawn = counting(spawnNodeTileWorker);
    for (const [name, weights] of [['same', same], ['valid', valid]] as [string, SrcnnWeights][]) {
      const one = srcnn({ weights, backend: 'js', threads: 1, tileSize: 16 });
      const par = srcnn({ weights, backend: 'js', threads: 2, tileSize: 16, spawnTileWorker: spawn.spawn });
      for (const channels of [1, 2, 3, 4] as Channels[]) {
        const img = randomImage(23 + channels, 19, channels, 10 + channels);
        for (const border of ['keep', 'crop'] as const) {
          const what = `${name} net, ${channels} channels, border ${border}`;
          expectSameBytes(await par.upscale(img, { border }), await one.upscale(img, { border }), `upscale: ${what}`);
          const big = randomImage(50, 37, channels, 20 + channels);
          expectSameBytes(await par.restore(big, { border }), await one.restore(big, { border }), `restore: ${what}`);
        }
      }
      one.dispose();
      par.dispose();
    }
    await new Promise((r) => setImmediate(r)); // dispose() stops a pool once its queue has drained
    expect(spawn.spawned).to.equal(4); // one pool of 2 per model, reused by all its calls
    expect(spawn.terminated).to.equal(4);
  });

  (simdSupported() ? it : it.skip)('wasm-simd tile workers: same bytes as one thread, also with the opencv-cubic resize and truncation', async () => {
    const one = srcnn({ weights: same, backend: 'wasm-simd', threads: 1, tileSize: 20 });
    const par = srcnn({ weights: same, backend: 'wasm-simd', threads: 3, tileSize: 20, spawnTileWorker: spawnNodeTileWorker });
    for (const opts of [{}, { resize: 'opencv-cubic' as const, rounding: 'truncate' as const, scale: 3 }]) {
      expectSameBytes(await par.upscale(rgb, opts), await one.upscale(rgb, opts), JSON.stringify(opts));
    }
    one.dispose();
    par.dispose();
  });

  it('reports progress per tile, in order, ending at the total', async () => {
    const model = srcnn({ weights: same, backend: 'js', threads: 2, tileSize: 16, spawnTileWorker: inProcess() });
    const seen: [number, number][] = [];
    await model.upscale(rgb, { onProgress: (d, t) => seen.push([d, t]) });
    const total = Math.ceil(82 / 16) * Math.ceil(58 / 16);
    expect(seen).to.deep.equal(Array.from({ length: total }, (_, i) => [i + 1, total]));
    model.dispose();
  });

  it('an abort stops handing out tiles and rejects with AbortError once the tiles in flight are back; the pool then runs the next call', async () => {
    const c = counting(inProcess());
    const model = srcnn({ weights: same, backend: 'js', threads: 2, tileSize: 16, spawnTileWorker: c.spawn });
    const ctl = new AbortController();
    const done: number[] = [];
    const e = await rejection(model.upscale(rgb, {
      signal: ctl.signal,
      onProgress: (d) => {
        done.push(d);
        if (d === 3) ctl.abort(new Error('stop here'));
      },
    }));
    expect(e).to.be.instanceOf(AbortError);
    expect(e.message).to.match(/stop here/);
    // Tiles in flight when the signal fired (at most one per worker) still report; no more are sent.
    expect(done.length).to.be.within(3, 4);
    const one = srcnn({ weights: same, backend: 'js', threads: 1, tileSize: 16 });
    expectSameBytes(await model.upscale(rgb), await one.upscale(rgb), 'after an abort');
    expect(c.spawned).to.equal(2);
    model.dispose();
    one.dispose();
  });

  it('dispose() during a call rejects it with AbortError and stops the workers once it has stopped', async () => {
    const c = counting(inProcess());
    const model = srcnn({ weights: same, backend: 'js', threads: 2, tileSize: 16, spawnTileWorker: c.spawn });
    let terminatedAtDispose = -1;
    const e = await rejection(model.upscale(rgb, {
      onProgress: (d) => {
        if (d === 2) {
          model.dispose();
          terminatedAtDispose = c.terminated;
        }
      },
    }));
    expect(e).to.be.instanceOf(AbortError);
    expect(e.message).to.match(/the model was disposed/);
    expect(terminatedAtDispose).to.equal(0);
    await new Promise((r) => setImmediate(r));
    expect([c.spawned, c.terminated]).to.deep.equal([2, 2]);
    expect(await rejection(model.upscale(rgb))).to.be.instanceOf(ValueError).with.property('message').match(/disposed/);
  });

  it('replaces the pool for another thread count; small images and given backends use the backend on this thread', async () => {
    const c = counting(inProcess());
    const model = srcnn({ weights: same, backend: 'js', threads: 2, tileSize: 16, spawnTileWorker: c.spawn });
    await model.upscale(rgb);
    await model.upscale(rgb, { threads: 2 });
    expect([c.spawned, c.terminated]).to.deep.equal([2, 0]);
    await model.upscale(rgb, { threads: 3 });
    await new Promise((r) => setImmediate(r));
    expect([c.spawned, c.terminated]).to.deep.equal([5, 2]);
    // 4 output tiles < MIN_TILES_PER_THREAD * 3: no tile workers.
    expect(MIN_TILES_PER_THREAD * 3).to.be.greaterThan(4);
    await model.upscale(randomImage(16, 16, 3, 1), { threads: 3 });
    await model.upscale(randomImage(16, 16, 3, 1), { threads: 1 });
    expect(c.spawned).to.equal(5);
    model.dispose();
    const given = srcnn({ weights: same, backend: createJsBackend(), tileSize: 16, spawnTileWorker: c.spawn });
    await given.upscale(rgb);
    expect(c.spawned).to.equal(5);
    given.dispose();
  });

  it("a worker's error rejects the call with the same error class; a bad reply is a BackendError", async () => {
    const failing = inProcess((r) => (r.type === 'tile' && r.index === 2 ? { type: 'error', job: r.job, name: 'ShapeError', message: 'tile 2 went wrong' } : r));
    const m1 = srcnn({ weights: same, backend: 'js', threads: 2, tileSize: 16, spawnTileWorker: failing });
    const e1 = await rejection(m1.upscale(rgb));
    expect(e1).to.be.instanceOf(ShapeError);
    expect(e1.message).to.equal('tile 2 went wrong');
    const e2 = await rejection(srcnn({ weights: same, backend: 'js', threads: 2, tileSize: 16, spawnTileWorker: inProcess((r) => (r.type === 'tile' ? { type: 'error', job: r.job, name: 'RangeError', message: 'out of memory' } : r)) }).upscale(rgb));
    expect(e2).to.be.instanceOf(BackendError);
    expect(e2.message).to.match(/tile worker: RangeError: out of memory/);
    const shifted = inProcess((r) => (r.type === 'tile' ? { ...r, x: r.x + 1000 } : r));
    const e3 = await rejection(srcnn({ weights: same, backend: 'js', threads: 2, tileSize: 16, spawnTileWorker: shifted }).upscale(rgb));
    expect(e3).to.be.instanceOf(BackendError);
    expect(e3.message).to.match(/does not fit the 82x58x3 output/);
    m1.dispose();
  });

  it('weights a structured clone cannot copy reject every call with BackendError', async () => {
    const bad = { ...same, meta: { ...same.meta, describe: (): string => 'not cloneable' } };
    const model = srcnn({ weights: bad, backend: 'js', threads: 2, tileSize: 16, spawnTileWorker: spawnNodeTileWorker });
    for (let i = 0; i < 2; i++) {
      const e = await rejection(model.upscale(rgb));
      expect(e).to.be.instanceOf(BackendError);
      expect(e.message).to.match(/tile workers: the job could not be sent \(DataCloneError: .*could not be cloned/);
    }
    model.dispose();
  });

  it('a worker that dies rejects the call with BackendError, and the next call gets a new pool', async () => {
    let crashes = 1;
    const c = counting(inProcess((r, events) => {
      if (r.type === 'tile' && crashes > 0) {
        crashes--;
        events.exit(new Error('segfault (simulated)'));
        return null;
      }
      return r;
    }));
    const model = srcnn({ weights: same, backend: 'js', threads: 2, tileSize: 16, spawnTileWorker: c.spawn });
    const e = await rejection(model.upscale(rgb));
    expect(e).to.be.instanceOf(BackendError);
    expect(e.message).to.match(/tile worker stopped: segfault \(simulated\)/);
    const one = srcnn({ weights: same, backend: 'js', threads: 1, tileSize: 16 });
    expectSameBytes(await model.upscale(rgb), await one.upscale(rgb), 'after a crash');
    expect(c.spawned).to.equal(4);
    model.dispose();
    one.dispose();
  });

  it('a tile worker refuses a tile of a job it has not started, and a crops job without the crop', () => {
    const replies: TileReply[] = [];
    const handle = serveTileRequests((r) => replies.push(r));
    handle({ type: 'tile', job: 7, index: 0, crop: null, into: null });
    handle({ type: 'job', job: 8, weightsKey: 1, weights: same, backend: 'js', source: { kind: 'crops', width: 40, height: 30, channels: 3 }, options: { colour: 'matlab-y', border: 'keep', rounding: 'round', tileSize: 16 } });
    handle({ type: 'tile', job: 8, index: 0, crop: null, into: null });
    handle({ type: 'tile', job: 8, index: 99, crop: null, into: null });
    expect(replies.map((r) => (r.type === 'error' ? `${r.name}: ${r.message}` : r.type))).to.deep.equal([
      'ValueError: tile worker: tile 0 of job 7, which has not started',
      'ValueError: tile worker: a crops source has no pixels of its own; the tile request must carry them',
      'ValueError: tile worker: job 8 has no tile 99',
    ]);
  });
});

