import { expect } from 'chai';
import fc from 'fast-check';
import type { Backend } from '../../lib/backend/backend.js';
import { AbortError, ShapeError, ValueError } from '../../lib/errors.js';
import { createPlane } from '../../lib/image/image.js';
import { planTiles, runTiled } from '../../lib/model/tiling.js';
import { architecture } from '../../lib/model/architectures.js';
import { GaussianStream, initLayers } from '../../lib/nn/init.js';
import { Sequential } from '../../lib/nn/sequential.js';
import { netGeometry } from '../../lib/nn/geometry.js';
import type { LayerSpec } from '../../lib/weights/types.js';
import { createNaiveBackend } from '../helpers/naive_backend.js';
import { createJsBackend } from '../../lib/backend/js.js';
import { createBackend } from '../../lib/backend/index.js';

const L = (kh: number, kw: number, cin: number, cout: number, padding: 'valid' | 'same', paddingMode: 'zeros' | 'replicate', relu = true): LayerSpec =>
  ({ kernel: [kh, kw], in: cin, out: cout, padding, paddingMode, activation: relu ? 'relu' : 'linear' });

/** Small-channel versions of the shipped layouts plus awkward mixes (even kernels, same after valid). */
export const TILING_NETS: Record<string, LayerSpec[]> = {
  '9-5-5 replicate': [L(9, 9, 1, 3, 'same', 'replicate'), L(5, 5, 3, 2, 'same', 'replicate'), L(5, 5, 2, 1, 'same', 'replicate', false)],
  'keras valid/same-zeros/valid': [L(9, 9, 1, 3, 'valid', 'zeros'), L(3, 3, 3, 2, 'same', 'zeros'), L(5, 5, 2, 1, 'valid', 'zeros', false)],
  'even kernels, mixed': [L(4, 2, 1, 2, 'same', 'replicate'), L(3, 4, 2, 2, 'valid', 'zeros'), L(2, 3, 2, 1, 'same', 'zeros', false)],
};

function net(specs: LayerSpec[], backend: Backend, seed: number): Sequential {
  const layers = initLayers(specs, { seed, std: 0.3 });
  const g = new GaussianStream(seed ^ 0x55);
  for (const l of layers) g.fill(l.bias, 0.1);
  return new Sequential(layers, backend);
}

function randomPlane(w: number, h: number, seed: number) {
  const p = createPlane(w, h, 1);
  const g = new GaussianStream(seed);
  for (let i = 0; i < p.data.length; i++) p.data[i] = 0.5 + 0.3 * g.next();
  return p;
}

/**
 * Checks runTiled == untiled forward, bit for bit, on random sizes and tile sizes. Exported so that
 * backend-specific specs can run it with their backend.
 */
export async function checkTilingExact(backend: Backend, runs: number): Promise<void> {
  for (const [name, specs] of Object.entries(TILING_NETS)) {
    const m = netGeometry(specs).margin;
    const minW = m.left + m.right + 1, minH = m.top + m.bottom + 1;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: minW, max: minW + 40 }), fc.integer({ min: minH, max: minH + 40 }), fc.integer({ min: 1, max: 23 }), fc.integer(),
        async (w, h, tile, seed) => {
          const n = net(specs, backend, seed);
          const p = randomPlane(w, h, seed);
          const full = n.forward(Float32Array.from(p.data), 1, h, w);
          const want = Float32Array.from(full.data);
          const got = await runTiled(n, p, { tileSize: tile });
          expect([got.width, got.height]).to.deep.equal([full.w, full.h]);
          for (let i = 0; i < want.length; i++) {
            if (!Object.is(got.data[i], want[i])) expect.fail(`${name} ${w}x${h} tile ${tile}: value ${i} is ${got.data[i]}, untiled ${want[i]}`);
          }
          n.dispose();
        }),
      { numRuns: runs },
    );
  }
}

/** Full-width SRCNN layouts (64/32 and 128/64 filters) on a few sizes and tile sizes: the GEMM shapes the models really use. */
export async function checkTilingRealistic(backend: Backend): Promise<void> {
  for (const arch of ['9-5-5', '9-1-5', 'keras-9-3-5']) {
    const n = net(architecture(arch), backend, 3);
    for (const [w, h, tiles] of [[41, 38, [7, 33]], [29, 50, [13]]] as const) {
      const p = randomPlane(w, h, w * h);
      const want = Float32Array.from(n.forward(Float32Array.from(p.data), 1, h, w).data);
      for (const t of tiles) {
        const got = await runTiled(n, p, { tileSize: t });
        for (let i = 0; i < want.length; i++) {
          if (!Object.is(got.data[i], want[i])) expect.fail(`${arch} ${w}x${h} tile ${t}: value ${i} is ${got.data[i]}, untiled ${want[i]}`);
        }
      }
    }
    n.dispose();
  }
}

describe('model/tiling', () => {
  it('tiles cover the output exactly once and crops stay inside the input', () => {
    fc.assert(fc.property(fc.integer({ min: 13, max: 200 }), fc.integer({ min: 13, max: 200 }), fc.integer({ min: 1, max: 64 }), (w, h, t) => {
      const g = netGeometry(TILING_NETS['keras valid/same-zeros/valid']!);
      const tiles = planTiles(w, h, g, t);
      const outW = w - 12, outH = h - 12;
      const seen = new Uint8Array(outW * outH);
      for (const { src, dst, offset } of tiles) {
        expect(src.x).to.be.at.least(0);
        expect(src.y).to.be.at.least(0);
        expect(src.x + src.width).to.be.at.most(w);
        expect(src.y + src.height).to.be.at.most(h);
        expect(offset).to.deep.equal({ x: dst.x - src.x, y: dst.y - src.y });
        expect(dst.width).to.be.at.most(t);
        for (let y = dst.y; y < dst.y + dst.height; y++) for (let x = dst.x; x < dst.x + dst.width; x++) seen[y * outW + x]!++;
      }
      expect(seen.every((v) => v === 1)).to.equal(true);
    }), { numRuns: 40 });
  });

  it('equals the untiled forward pass bit for bit (naive backend, random sizes and odd tile sizes)', async () => {
    await checkTilingExact(createNaiveBackend(), 12);
  });

  it('equals the untiled forward pass bit for bit (js backend)', async () => {
    await checkTilingExact(createJsBackend(), 25);
    await checkTilingRealistic(createJsBackend());
  });

  it('equals the untiled forward pass bit for bit (auto backend: wasm-simd where supported)', async () => {
    const b = createBackend({ backend: 'auto' });
    await checkTilingExact(b, 25);
    await checkTilingRealistic(b);
    b.dispose();
  });

  it('reports progress, aborts between tiles with AbortError, and validates input', async () => {
    const n = net(TILING_NETS['9-5-5 replicate']!, createNaiveBackend(), 1);
    const p = randomPlane(20, 20, 1);
    const seen: string[] = [];
    await runTiled(n, p, { tileSize: 8, onTile: (d, t) => seen.push(`${d}/${t}`) });
    expect(seen).to.deep.equal(['1/9', '2/9', '3/9', '4/9', '5/9', '6/9', '7/9', '8/9', '9/9']);
    const ac = new AbortController();
    let done = 0;
    const run = runTiled(n, p, { tileSize: 8, signal: ac.signal, onTile: (d) => { done = d; if (d === 2) ac.abort(); } });
    try {
      await run;
      expect.fail('should abort');
    } catch (e) {
      expect(e).to.be.instanceOf(AbortError);
      expect((e as Error).name).to.equal('AbortError');
    }
    expect(done).to.equal(2);
    const pre = new AbortController();
    pre.abort();
    await runTiled(n, p, { signal: pre.signal }).then(() => expect.fail('aborted'), (e: unknown) => expect(e).to.be.instanceOf(AbortError));
    const bad = randomPlane(20, 20, 2);
    bad.data[45] = NaN;
    await runTiled(n, bad).then(() => expect.fail('NaN'), (e: unknown) => expect(e).to.be.instanceOf(ValueError).with.property('message').match(/x=5, y=2/));
    await runTiled(n, p, { tileSize: 0 }).then(() => expect.fail('tile'), (e: unknown) => expect(e).to.be.instanceOf(ValueError));
    await runTiled(n, createPlane(20, 20, 3)).then(() => expect.fail('ch'), (e: unknown) => expect(e).to.be.instanceOf(ShapeError));
    const k = net(TILING_NETS['keras valid/same-zeros/valid']!, createNaiveBackend(), 1);
    await runTiled(k, randomPlane(12, 30, 3)).then(() => expect.fail('small'), (e: unknown) => expect(e).to.be.instanceOf(ShapeError).with.property('message').match(/too small/));
  });
});
