/**
 * degrade / degradePlane against cv2 and the numpy MATLAB port (tools/fixtures/gen_resize_fixtures.py).
 * uint8: bit-exact; float64: 1e-9 absolute.
 */
import { expect } from 'chai';
import { degrade, degradePlane } from '../../lib/image/degrade.js';
import type { Interpolation } from '../../lib/image/resize/index.js';
import type { Channels } from '../../lib/image/image.js';
import { b64f64, b64u8, firstDiff, maxAbsDiff, readFixture } from '../helpers/image_fixtures.js';

const F64_TOL = 1e-9;

interface U8Case { interp?: Interpolation; scale: number; cn: number; w: number; h: number; src: string; out: string }
interface PlaneCase { scale: number; w: number; h: number; src: string; out: string }

const fx = readFixture<{ cv2: U8Case[]; matlab: U8Case[]; plane: PlaneCase[] }>('resize/degrade.json');
const image = (c: U8Case) => ({ width: c.w, height: c.h, channels: c.cn as Channels, data: b64u8(c.src) });

describe('degrade (tutorial prepare_images) vs cv2.resize down and up (bit-exact)', () => {
  for (const c of fx.cv2) {
    it(`${c.interp} x${c.scale}, ${c.w}x${c.h}x${c.cn}`, () => {
      expect(firstDiff(degrade(image(c), c.scale, c.interp!).data, b64u8(c.out))).to.equal(null);
    });
  }
  for (const c of fx.matlab) {
    it(`matlab x${c.scale}, ${c.w}x${c.h}x${c.cn}`, () => {
      expect(firstDiff(degrade(image(c), c.scale, 'matlab').data, b64u8(c.out))).to.equal(null);
    });
  }
});

describe(`degradePlane (SRCNN demo_SR.m) vs the numpy MATLAB port (tolerance ${F64_TOL})`, () => {
  for (const c of fx.plane) {
    it(`x${c.scale}, ${c.w}x${c.h}`, () => {
      const got = degradePlane({ width: c.w, height: c.h, channels: 1, data: b64f64(c.src) }, c.scale);
      expect([got.width, got.height]).to.deep.equal([c.w, c.h]);
      expect(maxAbsDiff(got.data, b64f64(c.out))).to.be.at.most(F64_TOL);
    });
  }
});
