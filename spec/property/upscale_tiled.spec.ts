/**
 * Tiled pre-upscaling and tiled enhancement equal their whole-image versions byte for byte:
 * - `bicubicSource(..).read(rect)` == the same rectangle of `imresizeU8` / `resize(.., 'cubic')`;
 * - `model.upscale` / `model.restore` (any tile size) == spec/helpers/upscale_reference.ts (the
 *   pre-tiling pipeline with one untiled forward pass), on random sizes, channel layouts, scales,
 *   resizers, Y conventions, 'same' and 'valid' networks, borders and roundings.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { createJsBackend } from '../../lib/backend/js.js';
import { crop } from '../../lib/image/crop.js';
import type { Channels } from '../../lib/image/image.js';
import { imresizeU8 } from '../../lib/image/imresize.js';
import { resize } from '../../lib/image/resize/index.js';
import { netGeometry } from '../../lib/nn/geometry.js';
import { bicubicSource } from '../../lib/pipeline/pixel_source.js';
import { srcnn } from '../../lib/pipeline/srcnn.js';
import { referenceRestore, referenceUpscale } from '../helpers/upscale_reference.js';
import { nearIdentityWeights, TEST_NETS } from '../helpers/upscale_nets.js';
import { expectSameBytes, randomImage } from '../helpers/images.js';

const arbChannels = fc.constantFrom<Channels>(1, 2, 3, 4);

describe('pipeline/pixel_source: rectangles of the bicubic image', () => {
  for (const method of ['matlab', 'opencv-cubic'] as const) {
    it(`${method}: every rectangle equals the full resize's`, () => {
      fc.assert(fc.property(
        fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), arbChannels,
        fc.constantFrom(1, 1.3, 1.5, 2, 2.5, 3, 4, 0.6), fc.integer(), fc.nat(), fc.nat(), fc.nat(), fc.nat(),
        (w, h, cn, scale, seed, a, b, c, d) => {
          const img = randomImage(w, h, cn, seed);
          const outW = Math.ceil(scale * w), outH = Math.ceil(scale * h);
          const full = method === 'matlab' ? imresizeU8(img, { scale }) : resize(img, outW, outH, 'cubic');
          const src = bicubicSource(img, scale, method);
          expect([src.width, src.height, src.channels]).to.deep.equal([outW, outH, cn]);
          const x = a % outW, y = b % outH;
          const rw = 1 + (c % (outW - x)), rh = 1 + (d % (outH - y));
          const buf = new Uint8Array(rw * rh * cn + 5);
          const got = src.read(buf, { x, y, width: rw, height: rh });
          expectSameBytes(got, crop(full, x, y, rw, rh), `${method} ${w}x${h}x${cn} x${scale} rect ${rw}x${rh}@(${x},${y})`);
        },
      ), { numRuns: 300 });
    });
  }

  it("opencv-cubic: the vertical pass's float32/integer split follows the full row (images where the two paths differ)", () => {
    // cv2 computes the first floor(dw cn / 8) * 8 values of a row in float32 and the rest in integers;
    // the two disagree on about 1 value in 30000. These seeds (found by search) have such a value in
    // the last, integer-path pixels, so a rectangle that restarted the split at its own left edge
    // would differ from the full resize.
    for (const [seed, w, scale] of [[66, 8, 4], [221, 9, 3], [349, 11, 3], [917, 5, 3]] as const) {
      const img = randomImage(w, 4, 3, seed);
      const outW = Math.ceil(scale * w), outH = Math.ceil(scale * 4);
      const full = resize(img, outW, outH, 'cubic');
      const src = bicubicSource(img, scale, 'opencv-cubic');
      for (let x = 0; x < outW; x++) {
        const got = src.read(new Uint8Array((outW - x) * outH * 3), { x, y: 0, width: outW - x, height: outH });
        expectSameBytes(got, crop(full, x, 0, outW - x, outH), `seed ${seed} ${w}x4 x${scale} from x=${x}`);
      }
    }
  });
});

describe('pipeline/srcnn: tiled upscale and restore == whole-image pipeline', () => {
  const backend = createJsBackend();

  it('upscale: any tile size gives the bytes of the whole-image pipeline', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...Object.keys(TEST_NETS)), fc.integer({ min: 1, max: 14 }), fc.integer({ min: 1, max: 14 }), arbChannels,
      fc.constantFrom(1, 1.5, 2, 3, 4), fc.constantFrom('matlab' as const, 'opencv-cubic' as const),
      fc.constantFrom('matlab-y' as const, 'opencv-y' as const), fc.constantFrom('keep' as const, 'crop' as const),
      fc.constantFrom('round' as const, 'truncate' as const), fc.integer({ min: 1, max: 40 }), fc.integer(),
      async (name, w, h, cn, scale, resizeMethod, colour, border, rounding, tileSize, seed) => {
        const specs = TEST_NETS[name]!;
        const m = netGeometry(specs).margin;
        fc.pre(Math.ceil(scale * w) > m.left + m.right && Math.ceil(scale * h) > m.top + m.bottom);
        const weights = nearIdentityWeights(specs, seed, colour, 2);
        const img = randomImage(w, h, cn, seed);
        const opts = { scale, resize: resizeMethod, border, rounding };
        const want = referenceUpscale(weights, backend, img, opts);
        const model = srcnn({ weights, backend });
        const got = await model.upscale(img, { ...opts, tileSize });
        model.dispose();
        expectSameBytes(got, want, `${name} ${w}x${h}x${cn} x${scale} ${resizeMethod} ${colour} ${border} ${rounding} tile ${tileSize}`);
      },
    ), { numRuns: 150 });
  });

  it('restore: any tile size gives the bytes of the whole-image pipeline', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...Object.keys(TEST_NETS)), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), arbChannels,
      fc.constantFrom('matlab-y' as const, 'opencv-y' as const), fc.constantFrom('keep' as const, 'crop' as const),
      fc.integer({ min: 1, max: 40 }), fc.integer(),
      async (name, w, h, cn, colour, border, tileSize, seed) => {
        const specs = TEST_NETS[name]!;
        const m = netGeometry(specs).margin;
        fc.pre(w > m.left + m.right && h > m.top + m.bottom);
        const weights = nearIdentityWeights(specs, seed, colour, 2);
        const img = randomImage(w, h, cn, seed);
        const want = referenceRestore(weights, backend, img, { border });
        const model = srcnn({ weights, backend });
        const got = await model.restore(img, { border, tileSize });
        model.dispose();
        expectSameBytes(got, want, `${name} ${w}x${h}x${cn} ${colour} ${border} tile ${tileSize}`);
      },
    ), { numRuns: 80 });
  });
});
