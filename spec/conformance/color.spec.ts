/**
 * Colour conversions against cv2.cvtColor 4.6 and the MATLAB rgb2ycbcr formulas
 * (fixtures from tools/fixtures/gen_resize_fixtures.py). uint8: bit-exact, including SHA-256 digests over
 * all 2^24 colours. float32 (cv2): tolerance 1e-6 absolute on 0..1 data. MATLAB float64: 1e-9.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import {
  matlabY, matlabYU8, opencvY, rgbToYCbCrMatlab, rgbToYCrCb, rgbToYCrCbFloat, yCrCbToRgb, yCrCbToRgbFloat,
  ycbcrToRgbMatlab,
} from '../../lib/image/color.js';
import type { Image } from '../../lib/image/image.js';
import { b64f32, b64f64, b64u8, firstDiff, maxAbsDiff, readFixture } from '../helpers/image_fixtures.js';

const F32_TOL = 1e-6;
const F64_TOL = 1e-9;

interface ColourFixture {
  grid: { rgb2ycrcb_sha256: string; ycrcb2rgb_sha256: string; matlab_y_u8_sha256: string; roundtrip_max_err: number[] };
  u8: { rgb: string; ycrcb: string; ycrcb_in: string; rgb_out: string; rgba: string; rgba_ycrcb: string };
  f32: { rgb: string; ycrcb: string; ycrcb_in: string; rgb_out: string };
  matlab: { rgb: string; ycbcr: string; ycbcr_in: string; rgb_out: string };
}

const fx = readFixture<ColourFixture>('color/color.json');
const row = (data: Uint8Array, cn: 3 | 4 = 3): Image => ({ width: data.length / cn, height: 1, channels: cn, data });
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** All 2^24 colours, pixel i = (i >> 16, (i >> 8) & 255, i & 255), as a 4096 x 4096 image. */
function allColours(): Image {
  const data = new Uint8Array(3 << 24);
  for (let i = 0, p = 0; i < 1 << 24; i++, p += 3) {
    data[p] = i >>> 16;
    data[p + 1] = (i >>> 8) & 255;
    data[p + 2] = i & 255;
  }
  return { width: 4096, height: 4096, channels: 3, data };
}

describe('OpenCV YCrCb, uint8 (bit-exact)', () => {
  it('RGB -> YCrCb on random pixels and primaries', () => {
    expect(firstDiff(rgbToYCrCb(row(b64u8(fx.u8.rgb))).data, b64u8(fx.u8.ycrcb))).to.equal(null);
  });
  it('RGBA -> YCrCb drops alpha', () => {
    expect(firstDiff(rgbToYCrCb(row(b64u8(fx.u8.rgba), 4)).data, b64u8(fx.u8.rgba_ycrcb))).to.equal(null);
  });
  it('YCrCb -> RGB on random triples', () => {
    expect(firstDiff(yCrCbToRgb(row(b64u8(fx.u8.ycrcb_in))).data, b64u8(fx.u8.rgb_out))).to.equal(null);
  });
  it('opencvY is the Y channel', () => {
    const rgb = row(b64u8(fx.u8.rgb));
    const want = b64u8(fx.u8.ycrcb).filter((_, i) => i % 3 === 0);
    expect(firstDiff(opencvY(rgb), want)).to.equal(null);
  });
  describe('all 2^24 colours', () => {
    const grid = allColours();
    it('RGB -> YCrCb matches the SHA-256 of cv2 output', () => {
      expect(sha(rgbToYCrCb(grid).data)).to.equal(fx.grid.rgb2ycrcb_sha256);
    });
    it('YCrCb -> RGB (the grid read as Y, Cr, Cb) matches the SHA-256 of cv2 output', () => {
      expect(sha(yCrCbToRgb(grid).data)).to.equal(fx.grid.ycrcb2rgb_sha256);
    });
    it(`round trip RGB -> YCrCb -> RGB is off by at most cv2's bound ${JSON.stringify(fx.grid.roundtrip_max_err)}`, () => {
      const back = yCrCbToRgb(rgbToYCrCb(grid)).data;
      const err = [0, 0, 0];
      for (let i = 0; i < back.length; i++) err[i % 3] = Math.max(err[i % 3]!, Math.abs(back[i]! - grid.data[i]!));
      expect(err).to.deep.equal(fx.grid.roundtrip_max_err);
    });
    it('matlabYU8 matches the SHA-256 of the numpy formula', () => {
      expect(sha(matlabYU8(grid))).to.equal(fx.grid.matlab_y_u8_sha256);
    });
  });
});

describe(`OpenCV YCrCb, float32 (tolerance ${F32_TOL})`, () => {
  const plane = (d: Float32Array) => ({ width: d.length / 3, height: 1, channels: 3, data: d });
  it('RGB -> YCrCb', () => {
    expect(maxAbsDiff(rgbToYCrCbFloat(plane(b64f32(fx.f32.rgb))).data, b64f32(fx.f32.ycrcb))).to.be.at.most(F32_TOL);
  });
  it('YCrCb -> RGB', () => {
    expect(maxAbsDiff(yCrCbToRgbFloat(plane(b64f32(fx.f32.ycrcb_in))).data, b64f32(fx.f32.rgb_out))).to.be.at.most(F32_TOL);
  });
});

describe('MATLAB rgb2ycbcr / ycbcr2rgb', () => {
  const rgb = row(b64u8(fx.matlab.rgb));
  it(`rgbToYCbCrMatlab (tolerance ${F64_TOL})`, () => {
    expect(maxAbsDiff(rgbToYCbCrMatlab(rgb).data, b64f64(fx.matlab.ycbcr))).to.be.at.most(F64_TOL);
  });
  it('matlabY is channel 0 of rgbToYCbCrMatlab, exactly', () => {
    const full = rgbToYCbCrMatlab(rgb).data;
    expect(Array.from(matlabY(rgb).data)).to.deep.equal(Array.from(full.filter((_, i) => i % 3 === 0)));
  });
  it('ycbcrToRgbMatlab (uint8, bit-exact)', () => {
    const d = b64f64(fx.matlab.ycbcr_in);
    expect(firstDiff(ycbcrToRgbMatlab({ width: d.length / 3, height: 1, channels: 3, data: d }).data, b64u8(fx.matlab.rgb_out))).to.equal(null);
  });
});
