import { expect } from 'chai';
import { ShapeError, ValueError } from '../../lib/errors.js';
import {
  matlabY, matlabYU8, opencvY, rgbToYCbCrMatlab, rgbToYCrCb, rgbToYCrCbFloat, yCrCbToRgb, yCrCbToRgbFloat,
  ycbcrToRgbMatlab,
} from '../../lib/image/color.js';
import type { Channels, Image } from '../../lib/image/image.js';

const px = (channels: Channels, ...v: number[]): Image => ({ width: v.length / channels, height: 1, channels, data: Uint8Array.from(v) });

describe('colour conversions', () => {
  it('cv2: pure red is (76, 255, 85): Cr reaches 256 before clamping', () => {
    expect(Array.from(rgbToYCrCb(px(3, 255, 0, 0)).data)).to.deep.equal([76, 255, 85]);
  });
  it('cv2: gray stays gray with neutral chroma, and back', () => {
    for (const g of [0, 1, 127, 128, 254, 255]) {
      const ycc = rgbToYCrCb(px(3, g, g, g));
      expect(Array.from(ycc.data)).to.deep.equal([g, 128, 128]);
      expect(Array.from(yCrCbToRgb(ycc).data)).to.deep.equal([g, g, g]);
    }
  });
  it('opencvY: gray and gray+alpha give the gray value, RGBA ignores alpha', () => {
    expect(Array.from(opencvY(px(1, 7, 200)))).to.deep.equal([7, 200]);
    expect(Array.from(opencvY(px(2, 7, 0, 200, 255)))).to.deep.equal([7, 200]);
    expect(Array.from(opencvY(px(4, 255, 0, 0, 3)))).to.deep.equal([76]);
  });
  it('MATLAB: white and black give Y = 235 and 16, chroma 128', () => {
    const ycc = rgbToYCbCrMatlab(px(3, 255, 255, 255, 0, 0, 0)).data;
    expect(ycc[0]).to.be.closeTo(235, 1e-12);
    expect(ycc[1]).to.be.closeTo(128, 1e-12);
    expect(ycc[2]).to.be.closeTo(128, 1e-12);
    expect(Array.from(ycc.subarray(3))).to.deep.equal([16, 128, 128]);
    expect(Array.from(matlabYU8(px(3, 255, 255, 255, 0, 0, 0)))).to.deep.equal([235, 16]);
  });
  it('MATLAB: gray images pass their value through as Y (SRCNN demo code); RGBA ignores alpha', () => {
    expect(Array.from(matlabY(px(1, 0, 77, 255)).data)).to.deep.equal([0, 77, 255]);
    expect(Array.from(matlabYU8(px(2, 77, 9)))).to.deep.equal([77]);
    expect(matlabY(px(4, 10, 20, 30, 99)).data[0]).to.equal(matlabY(px(3, 10, 20, 30)).data[0]);
  });
  it('MATLAB: ycbcr2rgb inverts rgb2ycbcr on uint8 colours', () => {
    const rgb = px(3, 0, 0, 0, 255, 255, 255, 12, 200, 99, 255, 0, 0);
    expect(Array.from(ycbcrToRgbMatlab(rgbToYCbCrMatlab(rgb)).data)).to.deep.equal(Array.from(rgb.data));
  });
  it('float cv2 conversions: gray maps to (g, .5, .5) and back', () => {
    const p = { width: 1, height: 1, channels: 3, data: Float32Array.of(0.25, 0.25, 0.25) };
    const y = rgbToYCrCbFloat(p);
    expect(y.data[0]).to.be.closeTo(0.25, 1e-7);
    expect(y.data[1]).to.be.closeTo(0.5, 1e-7);
    expect(yCrCbToRgbFloat(y).data[2]).to.be.closeTo(0.25, 1e-6);
  });
  it('rejects wrong channel counts and inconsistent data with ShapeError, NaN with ValueError', () => {
    expect(() => rgbToYCrCb(px(1, 5))).to.throw(ShapeError, /3 or 4 channels/);
    expect(() => yCrCbToRgb(px(4, 1, 2, 3, 4))).to.throw(ShapeError, /3 channels/);
    expect(() => rgbToYCbCrMatlab(px(2, 1, 2))).to.throw(ShapeError);
    expect(() => rgbToYCrCb({ width: 2, height: 1, channels: 3, data: new Uint8Array(3) })).to.throw(ShapeError, /needs 6/);
    expect(() => ycbcrToRgbMatlab({ width: 1, height: 1, channels: 3, data: Float64Array.of(Number.NaN, 128, 128) })).to.throw(ValueError);
  });
});
