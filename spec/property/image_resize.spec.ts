/** fast-check properties of resize, imresize and the colour conversions. */
import { expect } from 'chai';
import fc from 'fast-check';
import { ValueError } from '../../lib/errors.js';
import { matlabY, rgbToYCrCb, yCrCbToRgb } from '../../lib/image/color.js';
import type { Channels, Image } from '../../lib/image/image.js';
import { imresize, imresizeU8 } from '../../lib/image/imresize.js';
import { resize, resizeFloat, type Interpolation } from '../../lib/image/resize/index.js';
import { readFixture } from '../helpers/image_fixtures.js';

const INTERPS: Interpolation[] = ['nearest', 'linear', 'cubic', 'area'];
const arbInterp = fc.constantFrom(...INTERPS);
const arbCn = fc.constantFrom<Channels>(1, 2, 3, 4);
const side = fc.integer({ min: 1, max: 24 });

const arbImage = fc
  .record({ w: side, h: side, cn: arbCn })
  .chain(({ w, h, cn }) =>
    fc.uint8Array({ minLength: w * h * cn, maxLength: w * h * cn }).map((data): Image => ({ width: w, height: h, channels: cn, data })));

/** The round-trip bound measured over all 2^24 colours by the fixture generator. */
const ROUNDTRIP = readFixture<{ grid: { roundtrip_max_err: number[] } }>('color/color.json').grid.roundtrip_max_err;

describe('resize properties', () => {
  it('same-size resize is the identity, for every interpolation (uint8 and float32)', () => {
    fc.assert(fc.property(arbImage, arbInterp, (img, m) => {
      expect(Array.from(resize(img, img.width, img.height, m).data)).to.deep.equal(Array.from(img.data));
      const p = { width: img.width, height: img.height, channels: img.channels, data: Float32Array.from(img.data, (v) => v / 255) };
      expect(Array.from(resizeFloat(p, img.width, img.height, m).data)).to.deep.equal(Array.from(p.data));
    }));
  });
  it('a constant image stays exactly constant under every interpolation and size (uint8)', () => {
    fc.assert(fc.property(side, side, arbCn, fc.integer({ min: 0, max: 255 }), side, side, arbInterp, (w, h, cn, v, dw, dh, m) => {
      const img: Image = { width: w, height: h, channels: cn, data: new Uint8Array(w * h * cn).fill(v) };
      const out = resize(img, dw * 3, dh, m).data;
      expect(out.every((x) => x === v)).to.equal(true);
    }));
  });
  it('a constant float32 image stays constant to 1e-6 relative', () => {
    fc.assert(fc.property(side, side, fc.float({ min: -4, max: 4, noNaN: true }), side, side, arbInterp, (w, h, v, dw, dh, m) => {
      const p = { width: w, height: h, channels: 1, data: new Float32Array(w * h).fill(v) };
      for (const x of resizeFloat(p, dw * 2, dh, m).data) expect(Math.abs(x - Math.fround(v))).to.be.at.most(1e-6 * Math.max(1, Math.abs(v)));
    }));
  });
  it('nearest only copies input values; linear and area stay within the input range', () => {
    fc.assert(fc.property(arbImage, side, side, (img, dw, dh) => {
      const present = new Set(img.data);
      expect(resize(img, dw, dh, 'nearest').data.every((x) => present.has(x))).to.equal(true);
      let lo = 255;
      let hi = 0;
      for (const x of img.data) (lo = Math.min(lo, x)), (hi = Math.max(hi, x));
      for (const m of ['linear', 'area'] as const) {
        expect(resize(img, dw, dh, m).data.every((x) => x >= lo && x <= hi)).to.equal(true);
      }
    }));
  });
  it('bad sizes throw ValueError', () => {
    const img: Image = { width: 2, height: 2, channels: 1, data: new Uint8Array(4) };
    const bad = fc.oneof(fc.integer({ max: 0 }), fc.double({ noInteger: true }), fc.constant(Number.NaN));
    fc.assert(fc.property(bad, side, arbInterp, (b, s, m) => {
      expect(() => resize(img, b, s, m)).to.throw(ValueError);
      expect(() => resize(img, s, b, m)).to.throw(ValueError);
    }));
  });
});

describe('imresize properties', () => {
  const arbScale = fc.constantFrom(0.25, 1 / 3, 0.5, 0.7, 1.5, 2, 3, 4);
  it('a constant plane stays constant (float64 to 1e-12; uint8 exactly)', () => {
    fc.assert(fc.property(side, side, fc.double({ min: -1e3, max: 1e3, noNaN: true }), arbScale, fc.boolean(), (w, h, v, scale, rep) => {
      const border = rep ? 'replicate' : 'symmetric';
      const out = imresize({ width: w, height: h, channels: 2, data: new Float64Array(w * h * 2).fill(v) }, { scale, border });
      for (const x of out.data) expect(Math.abs(x - v)).to.be.at.most(1e-12 * Math.max(1, Math.abs(v)));
      const c = Math.round(Math.abs(v)) & 255;
      const u8 = imresizeU8({ width: w, height: h, channels: 3, data: new Uint8Array(w * h * 3).fill(c) }, { scale, border });
      expect(u8.data.every((x) => x === c)).to.equal(true);
    }));
  });
  it('multi-channel planes are resized per channel', () => {
    fc.assert(fc.property(side, side, arbScale, fc.integer(), (w, h, scale, seed) => {
      const data = new Float64Array(w * h * 2).map((_, i) => Math.sin(seed + i * 1.7) * 100);
      const both = imresize({ width: w, height: h, channels: 2, data }, { scale }).data;
      const ch1 = imresize({ width: w, height: h, channels: 1, data: data.filter((_, i) => i % 2 === 1) }, { scale }).data;
      expect(Array.from(both.filter((_, i) => i % 2 === 1))).to.deep.equal(Array.from(ch1));
    }));
  });
});

describe('colour properties', () => {
  const arbRgb = fc.uint8Array({ minLength: 3, maxLength: 3 * 64 }).map((d) => d.subarray(0, d.length - (d.length % 3)));
  it(`cv2 YCrCb round trip is off by at most ${JSON.stringify(ROUNDTRIP)} per channel (cv2's own bound)`, () => {
    fc.assert(fc.property(arbRgb, (d) => {
      const img: Image = { width: d.length / 3, height: 1, channels: 3, data: d };
      const back = yCrCbToRgb(rgbToYCrCb(img)).data;
      for (let i = 0; i < d.length; i++) expect(Math.abs(back[i]! - d[i]!)).to.be.at.most(ROUNDTRIP[i % 3]!);
    }));
  });
  it('matlabY of an RGB image lies in [16, 235]', () => {
    fc.assert(fc.property(arbRgb, (d) => {
      for (const y of matlabY({ width: d.length / 3, height: 1, channels: 3, data: d }).data) {
        expect(y).to.be.within(16, 235);
      }
    }));
  });
});
