import { expect } from 'chai';
import { OptionError, ShapeError, ValueError } from '../../lib/errors.js';
import { crop } from '../../lib/image/crop.js';
import { createImage, createPlane, type Channels, type Image } from '../../lib/image/image.js';
import {
  compareImages, evaluate, EVAL_PRESETS, mse, mseTutorial, psnr, psnrFromMse, ssim, ssimWang, type EvalPreset,
} from '../../lib/metrics/index.js';

/** Deterministic pseudo-random image with a smooth component (SSIM well inside (0, 1)). */
function img(w: number, h: number, c: Channels, seed = 1): Image {
  const d = new Uint8Array(w * h * c);
  let s = seed;
  for (let i = 0; i < d.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const px = Math.floor(i / c);
    d[i] = Math.max(0, Math.min(255, Math.round(128 + 80 * Math.sin((px % w) / 3 + (i % c)) + ((s >>> 24) % 40) - 20)));
  }
  return createImage(w, h, c, d);
}

describe('metrics: mse / psnr', () => {
  it('mse is the element-wise mean; mseTutorial divides by H*W only (C times larger)', () => {
    const a = createImage(2, 1, 3, Uint8Array.from([0, 0, 0, 10, 20, 30]));
    const b = createImage(2, 1, 3, new Uint8Array(6));
    expect(mse(a, b)).to.equal((100 + 400 + 900) / 6);
    expect(mseTutorial(a, b)).to.equal((100 + 400 + 900) / 2);
  });
  it('names both shapes on a mismatch', () => {
    expect(() => mse(img(5, 4, 3), img(5, 4, 1))).to.throw(ShapeError, /\[4, 5, 3\] vs \[4, 5, 1\]/);
    expect(() => psnr(img(5, 4, 1), img(4, 5, 1))).to.throw(ShapeError, /\[4, 5, 1\] vs \[5, 4, 1\]/);
  });
  it('rejects NaN in float input with the position', () => {
    const p = createPlane(3, 2, 1);
    p.data[4] = NaN;
    expect(() => mse(p, createPlane(3, 2, 1))).to.throw(ValueError, /x=1, y=1/);
    expect(() => ssim(createPlane(7, 7, 1), { ...createPlane(7, 7, 1), data: new Float64Array(49).fill(NaN) })).to.throw(ValueError);
  });
  it('rejects data whose length does not match the shape', () => {
    expect(() => mse({ width: 3, height: 3, channels: 1, data: new Uint8Array(8) }, img(3, 3, 1))).to.throw(ShapeError, /holds 8 values/);
  });
  it('psnr: Infinity for identical inputs; 10 log10(R^2/mse)', () => {
    const a = img(9, 8, 3);
    expect(psnr(a, a)).to.equal(Infinity);
    const b = createImage(1, 1, 1, Uint8Array.from([1]));
    expect(psnr(createImage(1, 1, 1), b)).to.be.closeTo(10 * Math.log10(255 * 255), 1e-12);
    expect(psnrFromMse(4, 255, 'rmse')).to.be.closeTo(20 * Math.log10(255 / 2), 1e-12);
    expect(psnrFromMse(0, 255)).to.equal(Infinity);
  });
  it('psnr: float default range is 1 (min >= 0) or 2 (min < 0), error outside [-1, 1]', () => {
    const a = createPlane(2, 1, 1, Float64Array.from([0, 0.5]));
    const b = createPlane(2, 1, 1, Float64Array.from([0.1, 0.5]));
    expect(psnr(a, b)).to.be.closeTo(10 * Math.log10(1 / 0.005), 1e-9);
    const an = createPlane(2, 1, 1, Float64Array.from([-0.2, 0.5]));
    const bn = createPlane(2, 1, 1, Float64Array.from([-0.1, 0.5]));
    expect(psnr(an, bn)).to.be.closeTo(10 * Math.log10(4 / 0.005), 1e-9);
    const big = createPlane(2, 1, 1, Float64Array.from([0, 200]));
    expect(() => psnr(big, b)).to.throw(ValueError, /dataRange/);
    expect(psnr(big, big, { dataRange: 255 })).to.equal(Infinity);
  });
  it('psnr: rejects unknown options and a bad dataRange', () => {
    const a = img(4, 4, 1);
    expect(() => psnr(a, a, { datarange: 1 } as never)).to.throw(OptionError, /datarange/);
    expect(() => psnr(a, a, { dataRange: 0 })).to.throw(ValueError, /dataRange/);
  });
});

describe('metrics: ssim', () => {
  const a = img(20, 16, 3, 1);
  const b = img(20, 16, 3, 7);
  it('returns a number, or { mssim, map } with full', () => {
    const s = ssim(a, b);
    expect(s).to.be.a('number').and.be.within(-1, 1);
    const f = ssim(a, b, { full: true });
    expect(f.mssim).to.equal(s);
    expect([f.map.width, f.map.height, f.map.channels, f.map.data.length]).to.deep.equal([20, 16, 3, 20 * 16 * 3]);
  });
  it('the score is the mean of the map inside the (winSize-1)/2 crop, per channel then over channels', () => {
    const f = ssim(a, b, { full: true, winSize: 5 });
    let total = 0;
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let y = 2; y < 14; y++) for (let x = 2; x < 18; x++) s += f.map.data[(y * 20 + x) * 3 + c]!;
      total += s / (12 * 16);
    }
    expect(f.mssim).to.be.closeTo(total / 3, 1e-14);
  });
  it('does not modify its inputs', () => {
    const a0 = Uint8Array.from(a.data);
    ssim(a, b, { gaussianWeights: true });
    expect(a.data).to.deep.equal(a0);
  });
  it('float default data range is 2 (skimage dtype_range)', () => {
    const pa = createPlane(8, 8, 1, Float64Array.from(img(8, 8, 1, 3).data, (v) => v / 255));
    const pb = createPlane(8, 8, 1, Float64Array.from(img(8, 8, 1, 4).data, (v) => v / 255));
    expect(ssim(pa, pb)).to.equal(ssim(pa, pb, { dataRange: 2 }));
    expect(ssim(pa, pb)).to.not.equal(ssim(pa, pb, { dataRange: 1 }));
  });
  it('errors name the problem', () => {
    expect(() => ssim(img(6, 9, 1), img(6, 9, 1))).to.throw(ShapeError, /winSize 7 exceeds the image extent 6x9/);
    expect(() => ssim(img(10, 12, 1), img(10, 12, 1), { gaussianWeights: true })).to.throw(ShapeError, /winSize 11/);
    expect(() => ssim(a, b, { winSize: 6 })).to.throw(ValueError, /odd, got 6/);
    expect(() => ssim(a, b, { winSize: 0 })).to.throw(ValueError, /positive odd integer/);
    expect(() => ssim(a, b, { winSize: 1 })).to.throw(ValueError, /useSampleCovariance: false/);
    expect(() => ssim(a, b, { K1: -0.1 })).to.throw(ValueError, /K1/);
    expect(() => ssim(a, b, { sigma: -1, gaussianWeights: true })).to.throw(ValueError, /sigma/);
    expect(() => ssim(a, b, { winsize: 7 } as never)).to.throw(OptionError, /winsize/);
  });
  it('ssimWang equals skimage gaussian + population covariance, has a valid-size map, needs 11x11', () => {
    expect(ssimWang(a, b)).to.be.closeTo(ssim(a, b, { gaussianWeights: true, useSampleCovariance: false }), 1e-13);
    const f = ssimWang(a, b, { full: true });
    expect([f.map.width, f.map.height, f.map.channels]).to.deep.equal([10, 6, 3]);
    expect(() => ssimWang(img(10, 20, 1), img(10, 20, 1))).to.throw(ShapeError, /at least 11x11, got 10x20/);
    expect(() => ssimWang(a, b, { winSize: 7 } as never)).to.throw(OptionError);
  });
});

describe('metrics: compareImages', () => {
  it("is the tutorial's [psnr, mse (sum/(H*W)), ssim]", () => {
    const a = img(12, 10, 3, 2);
    const b = img(12, 10, 3, 5);
    const r = compareImages(a, b);
    expect(r.mse).to.equal(3 * mse(a, b));
    expect(r.psnr).to.be.closeTo(psnr(a, b), 1e-9);
    expect(r.ssim).to.equal(ssim(a, b));
    expect(compareImages(a, a).psnr).to.equal(Infinity);
  });
});

describe('metrics: evaluate', () => {
  const hr = img(26, 25, 3, 11); // modcrop(3) -> 24x24
  const sr = img(24, 24, 3, 12);
  it('has the paper, tutorial and basicsr presets', () => {
    expect(Object.keys(EVAL_PRESETS)).to.deep.equal(['paper', 'tutorial', 'basicsr']);
  });
  it('identical inputs give Infinity / 1 / 0', () => {
    for (const protocol of ['paper', 'basicsr'] as const) {
      expect(evaluate(crop(hr, 0, 0, 24, 24), hr, { protocol, scale: 3 })).to.deep.equal({ psnr: Infinity, ssim: 1, mse: 0 });
    }
    const same = evaluate(img(26, 25, 3, 11), hr, { protocol: 'tutorial', scale: 3 });
    expect(same).to.deep.equal({ psnr: Infinity, ssim: 1, mse: 0 });
  });
  it('a 1-channel float Y plane is rounded half away from zero and saturated under paper', () => {
    const y = createPlane(24, 24, 1);
    const yr = createImage(24, 24, 1);
    for (let i = 0; i < y.data.length; i++) {
      y.data[i] = (i % 7) * 40.5 - 20; // -20 .. 223, with .5 ties
      yr.data[i] = Math.max(0, Math.round((i % 7) * 40.5 - 20));
    }
    expect(evaluate(y, hr, { protocol: 'paper', scale: 3 })).to.deep.equal(evaluate(yr, hr, { protocol: 'paper', scale: 3 }));
  });
  it('accepts a custom preset object', () => {
    const p: EvalPreset = { ...EVAL_PRESETS.paper, name: 'paper-noshave', shave: 0 };
    const r = evaluate(sr, hr, { protocol: p, scale: 3 });
    expect(r.psnr).to.not.equal(evaluate(sr, hr, { protocol: 'paper', scale: 3 }).psnr);
  });
  it('errors name the problem', () => {
    expect(() => evaluate(img(25, 24, 3), hr, { protocol: 'paper', scale: 3 }))
      .to.throw(ShapeError, /sr is 25x24 but hr is 24x24 \(hr 26x25 cropped to a multiple of 3\)/);
    expect(() => evaluate(sr, img(24, 24, 3), { protocol: 'tutorial', scale: 3 })).to.not.throw();
    expect(() => evaluate(createPlane(24, 24, 3), hr, { protocol: 'paper', scale: 3 })).to.throw(ShapeError, /3-channel Plane/);
    expect(() => evaluate(sr, hr, { protocol: 'bicubic' as never, scale: 3 })).to.throw(OptionError, /known: paper, tutorial, basicsr/);
    expect(() => evaluate(sr, hr, { protocol: 'paper', scale: 0 })).to.throw(ValueError, /scale/);
    expect(() => evaluate(img(8, 8, 1), img(8, 8, 1), { protocol: 'tutorial', scale: 2 })).to.throw(ShapeError, /shave/);
  });
});
