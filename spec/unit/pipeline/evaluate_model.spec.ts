import { expect } from 'chai';
import { createJsBackend } from '../../../lib/backend/js.js';
import { AbortError, OptionError, ShapeError } from '../../../lib/errors.js';
import { matlabYU8 } from '../../../lib/image/color.js';
import { modcrop, modcropTutorial, shave } from '../../../lib/image/crop.js';
import { degrade, degradePlane } from '../../../lib/image/degrade.js';
import { createImage, createPlane, type Channels, type Image, type Plane } from '../../../lib/image/image.js';
import { imresizeU8 } from '../../../lib/image/imresize.js';
import { compareImages } from '../../../lib/metrics/compare.js';
import { EVAL_PRESETS, evaluate, meanEvalResult, type EvalPreset } from '../../../lib/metrics/evaluate.js';
import { evaluateModel } from '../../../lib/pipeline/evaluate_model.js';
import { srcnn } from '../../../lib/pipeline/srcnn.js';
import type { ColourConvention, LayerSpec, SrcnnWeights } from '../../../lib/weights/types.js';

/** One k x k layer whose only non-zero tap is the centre `w`, plus `bias` (0..1 units): y = w x + b. */
function oneLayer(opts: { k?: number; padding?: 'same' | 'valid'; w?: number; bias?: number; colour?: ColourConvention } = {}): SrcnnWeights {
  const k = opts.k ?? 1;
  const spec: LayerSpec = { kernel: [k, k], in: 1, out: 1, padding: opts.padding ?? 'same', paddingMode: 'replicate', activation: 'linear' };
  const weights = new Float32Array(k * k);
  weights[(k * k - 1) / 2] = opts.w ?? 1;
  return { layers: [{ spec, weights, bias: Float32Array.of(opts.bias ?? 0) }], meta: { architecture: `${k}`, scale: 2, colour: opts.colour ?? 'matlab-y' } };
}

/** A smooth colour picture with two steps (no noise, so 8-bit rounding effects stay small). */
function picture(w: number, h: number, channels: Channels = 3): Image {
  const img = createImage(w, h, channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++) {
        const wave = 60 * Math.sin((x + 2 * c) / 3.1) * Math.cos(y / 4.7);
        const step = (x > w / 2) !== (y > h / 3) ? 50 : 0;
        img.data[(y * w + x) * channels + c] = Math.max(0, Math.min(255, Math.round(70 + wave + step + 20 * c)));
      }
    }
  }
  return img;
}

/** demo_SR.m written out by hand: ground truth Y (uint8) and the bicubic Y/255 (float64). */
function paperSteps(hr: Image, scale: number): { gt: Image; bic01: Plane<Float64Array> } {
  const gt = modcrop(createImage(hr.width, hr.height, 1, matlabYU8(hr)), scale);
  const g = createPlane(gt.width, gt.height, 1, Float64Array.from(gt.data, (v) => v / 255));
  return { gt, bic01: degradePlane(g, scale) };
}

/** `f(v)` of every value of `p`, x 255, as a new plane. */
function map255(p: Plane, f: (v: number, i: number) => number): Plane<Float64Array> {
  return createPlane(p.width, p.height, 1, Float64Array.from(p.data, (v, i) => f(v, i) * 255));
}

describe('pipeline/evaluateModel', () => {
  const backend = createJsBackend();

  it("'paper': the bicubic score is demo_SR.m's; an identity network scores exactly as bicubic", async () => {
    const hr = picture(40, 34);
    const r = await evaluateModel(srcnn({ weights: oneLayer(), backend }), hr, { protocol: 'paper', scale: 3 });
    const { gt, bic01 } = paperSteps(hr, 3);
    expect(r.bicubic).to.deep.equal(evaluate(map255(bic01, (v) => v), gt, { protocol: 'paper', scale: 3 }));
    expect(r.srcnn).to.deep.equal(r.bicubic);
    expect(r.images).to.equal(undefined);
    expect(r.bicubic.psnr).to.be.within(15, 60);
  });

  it("'paper': scores the network's float32 output x 255 (evaluate rounds it to uint8)", async () => {
    const hr = picture(36, 30);
    const bias = 3.4 / 255; // +3.4 grey levels
    const r = await evaluateModel(srcnn({ weights: oneLayer({ bias }), backend }), hr, { protocol: 'paper', scale: 2 });
    const { gt, bic01 } = paperSteps(hr, 2);
    const want = evaluate(map255(bic01, (v) => Math.fround(Math.fround(v) + Math.fround(bias))), gt, { protocol: 'paper', scale: 2 });
    expect(r.srcnn.psnr).to.be.closeTo(want.psnr, 1e-9);
    expect(r.srcnn.ssim).to.be.closeTo(want.ssim, 1e-12);
    expect(r.srcnn.psnr).to.be.below(r.bicubic.psnr);
  });

  it("'paper' with a 'valid' network: its lost border keeps the bicubic Y; `shave` overrides the protocol's", async () => {
    const hr = picture(44, 40);
    const bias = 10 / 255;
    const model = srcnn({ weights: oneLayer({ k: 5, padding: 'valid', bias }), backend }); // margin 2
    const { gt, bic01 } = paperSteps(hr, 2);
    const W = bic01.width, H = bic01.height;
    const inside = (i: number): boolean => i % W >= 2 && i % W < W - 2 && Math.floor(i / W) >= 2 && Math.floor(i / W) < H - 2;
    const sr = map255(bic01, (v, i) => (inside(i) ? Math.fround(Math.fround(v) + Math.fround(bias)) : v));
    const bic = map255(bic01, (v) => v);
    for (const border of [undefined, 0, 5]) {
      const preset: EvalPreset = { ...EVAL_PRESETS.paper, shave: border ?? 'scale' };
      const r = await evaluateModel(model, hr, { protocol: 'paper', scale: 2, ...(border === undefined ? {} : { shave: border }) });
      expect(r.bicubic, `shave ${border}`).to.deep.equal(evaluate(bic, gt, { protocol: preset, scale: 2 }));
      expect(r.srcnn.psnr, `shave ${border}`).to.be.closeTo(evaluate(sr, gt, { protocol: preset, scale: 2 }).psnr, 1e-9);
    }
  });

  it("'paper' keepImages: modcropped original, uint8 bicubic, model.upscale(lr); output Y within rounding of the scored Y", async () => {
    const hr = picture(47, 38);
    const model = srcnn({ weights: oneLayer({ w: 1.15, bias: -0.07 }), backend }); // a visible, non-identity change
    const r = await evaluateModel(model, hr, { protocol: 'paper', scale: 3, keepImages: true });
    const { original, degraded, output } = r.images!;
    expect([original.width, original.height, degraded.width, degraded.height, output.width, output.height]).to.deep.equal([45, 36, 45, 36, 45, 36]);
    expect(original).to.deep.equal(modcrop(hr, 3));
    const lr = imresizeU8(original, { scale: 1 / 3 });
    expect(degraded).to.deep.equal(imresizeU8(lr, { scale: 3 }));
    expect(output).to.deep.equal(await model.upscale(lr, { scale: 3 }));
    // The scored Y path (float bicubic of the rounded Y) vs the colour path (uint8 RGB bicubic): the
    // 8-bit intermediates move Y by a level (on Set5 x3 with the 9-5-5 weights: 99.7 % within 1, a
    // handful of saturated pixels up to 6).
    const { bic01 } = paperSteps(hr, 3);
    const yOut = matlabYU8(output);
    let worst = 0, within1 = 0;
    for (let i = 0; i < yOut.length; i++) {
      const scored = Math.min(255, Math.max(0, Math.round(Math.fround(Math.fround(1.15) * Math.fround(bic01.data[i]!) - Math.fround(0.07)) * 255)));
      const d = Math.abs(yOut[i]! - scored);
      worst = Math.max(worst, d);
      if (d <= 1) within1++;
    }
    expect(worst, 'max |Y difference|').to.be.at.most(2);
    expect(within1 / yOut.length, 'share within 1 level').to.be.at.least(0.99);
  });

  it("'paper' on gray and RGBA images: Y is the gray value / the RGB luma; pictures keep the channels", async () => {
    const model = srcnn({ weights: oneLayer(), backend });
    const gray = picture(30, 30, 1);
    const rg = await evaluateModel(model, gray, { protocol: 'paper', scale: 2, keepImages: true });
    expect(rg.bicubic).to.deep.equal(evaluate(map255(paperSteps(gray, 2).bic01, (v) => v), modcrop(gray, 2), { protocol: 'paper', scale: 2 }));
    expect(rg.images!.output.channels).to.equal(1);
    const rgba = picture(30, 30, 4);
    const rgb = createImage(30, 30, 3, Uint8Array.from({ length: 900 * 3 }, (_, i) => rgba.data[Math.floor(i / 3) * 4 + (i % 3)]!));
    const r4 = await evaluateModel(model, rgba, { protocol: 'paper', scale: 2, keepImages: true });
    expect(r4.bicubic).to.deep.equal((await evaluateModel(model, rgb, { protocol: 'paper', scale: 2 })).bicubic);
    expect(r4.images!.output.channels).to.equal(4);
  });

  it("'tutorial' with tutorialModcrop is the tutorial's predict(): degrade, modcrop(img, 3), restore, shave 6, compare_images", async () => {
    const model = srcnn({ weights: oneLayer({ k: 5, padding: 'valid', w: 1.1, bias: -0.03, colour: 'opencv-y' }), backend });
    for (const hr of [picture(41, 35), picture(40, 33, 1)]) {
      const r = await evaluateModel(model, hr, { protocol: 'tutorial', scale: 2, tutorialModcrop: true, keepImages: true });
      const rgb = hr.channels === 3 ? hr : createImage(hr.width, hr.height, 3, Uint8Array.from({ length: hr.data.length * 3 }, (_, i) => hr.data[Math.floor(i / 3)]!));
      const ref = modcropTutorial(rgb, 3);
      const degraded = modcropTutorial(degrade(rgb, 2, 'linear'), 3);
      const centre = await model.restore(degraded, { border: 'crop', rounding: 'truncate' }); // the tutorial's output: 2 px less per side
      expect(r.images).to.deep.equal({ original: ref, degraded, output: await model.restore(degraded, { rounding: 'truncate' }) });
      expect(r.bicubic).to.deep.equal(compareImages(shave(degraded, 6), shave(ref, 6)));
      expect(r.srcnn).to.deep.equal(compareImages(shave(centre, 4), shave(ref, 6)));
      expect(r.images!.original.channels, 'gray becomes 3 channels as cv2.imread gives').to.equal(3);
    }
  });

  it("'tutorial' by default crops to a multiple of the scale before degrading", async () => {
    const model = srcnn({ weights: oneLayer({ colour: 'opencv-y' }), backend });
    const hr = picture(43, 38);
    const r = await evaluateModel(model, hr, { protocol: 'tutorial', scale: 3, keepImages: true });
    const ref = modcrop(hr, 3);
    expect(r.images!.original).to.deep.equal(ref);
    expect(r.images!.degraded).to.deep.equal(degrade(ref, 3, 'linear'));
    expect(r.bicubic).to.deep.equal(evaluate(degrade(ref, 3, 'linear'), ref, { protocol: 'tutorial', scale: 3 }));
    expect(r.srcnn).to.deep.equal(evaluate(r.images!.output, ref, { protocol: 'tutorial', scale: 3 }));
  });

  it('reports progress over tiles (both network runs with keepImages under paper) and stops on abort', async () => {
    const model = srcnn({ weights: oneLayer(), backend, tileSize: 16 });
    const hr = picture(48, 40);
    const seen: [number, number][] = [];
    await evaluateModel(model, hr, { protocol: 'paper', scale: 2, keepImages: true, onProgress: (d, t) => seen.push([d, t]) });
    const total = seen[0]![1];
    expect(total).to.equal(2 * 3 * 3); // 48x40 in 16 px tiles, twice
    expect(seen.map(([d]) => d)).to.deep.equal(Array.from({ length: total }, (_, i) => i + 1));
    expect(seen.every(([, t]) => t === total)).to.equal(true);
    const tiles: number[] = [];
    await evaluateModel(model, hr, { protocol: 'tutorial', scale: 2, tileSize: 24, onProgress: (d) => tiles.push(d) });
    expect(tiles).to.deep.equal([1, 2, 3, 4]);
    const ac = new AbortController();
    ac.abort();
    let err: unknown;
    await evaluateModel(model, hr, { protocol: 'paper', scale: 2, signal: ac.signal }).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(AbortError);
    const mid = new AbortController();
    err = undefined;
    await evaluateModel(model, hr, { protocol: 'paper', scale: 2, signal: mid.signal, onProgress: () => mid.abort() }).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(AbortError);
  });

  it('rejects bad options and images with typed errors', async () => {
    const model = srcnn({ weights: oneLayer(), backend });
    const hr = picture(24, 24);
    const bad: [unknown, new (...a: never[]) => Error, RegExp][] = [
      [{ protocol: 'basicsr', scale: 2 }, OptionError, /protocol must be 'paper' or 'tutorial'/],
      [{ protocol: 'paper', scale: 1 }, OptionError, /integer >= 2/],
      [{ protocol: 'paper', scale: 2.5 }, OptionError, /integer >= 2/],
      [{ protocol: 'paper', scale: 2, tutorialModcrop: true }, OptionError, /tutorial' protocol only/],
      [{ protocol: 'paper', scale: 2, shave: -1 }, OptionError, /shave/],
      [{ protocol: 'paper', scale: 2, keepimages: true }, OptionError, /unknown option 'keepimages'/],
    ];
    for (const [opts, type, msg] of bad) {
      let err: unknown;
      await evaluateModel(model, hr, opts as never).catch((e: unknown) => (err = e));
      expect(err, JSON.stringify(opts)).to.be.instanceOf(type);
      expect((err as Error).message).to.match(msg);
    }
    let err: unknown;
    await evaluateModel(model, { width: 4, height: 4, channels: 3, data: new Uint8Array(5) }, { protocol: 'paper', scale: 2 }).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(ShapeError);
    err = undefined;
    await evaluateModel(model, picture(10, 10), { protocol: 'tutorial', scale: 2 }).catch((e: unknown) => (err = e));
    expect(err, 'too small for shave 6').to.be.instanceOf(ShapeError);
  });

  it('meanEvalResult averages each score', () => {
    const m = meanEvalResult([{ psnr: 30, ssim: 0.8, mse: 10 }, { psnr: 34, ssim: 0.9, mse: 4 }]);
    expect(m.psnr).to.equal(32);
    expect(m.ssim).to.be.closeTo(0.85, 1e-15);
    expect(m.mse).to.equal(7);
    expect(meanEvalResult([{ psnr: Infinity, ssim: 1, mse: 0 }, { psnr: 30, ssim: 0.5, mse: 1 }]).psnr).to.equal(Infinity);
  });
});
