import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJsBackend } from '../../../lib/backend/js.js';
import { AbortError, IoError, OptionError, ShapeError, ValueError, WeightsError } from '../../../lib/errors.js';
import { rgbToYCbCrMatlab, rgbToYCrCb, ycbcrToRgbMatlab, yCrCbToRgb } from '../../../lib/image/color.js';
import { createImage, createPlane, type Image } from '../../../lib/image/image.js';
import { imresizeU8 } from '../../../lib/image/imresize.js';
import { resize } from '../../../lib/image/resize/index.js';
import { loadShippedWeights, shippedWeightsPath } from '../../../lib/node/shipped_weights.js';
import { srcnn } from '../../../lib/pipeline/srcnn.js';
import { encodeSrcnnWeights } from '../../../lib/weights/safetensors.js';
import type { ColourConvention, LayerSpec, SrcnnWeights } from '../../../lib/weights/types.js';
import { randomImage } from '../../helpers/images.js';

/** A one-layer network: y = w * x + b with a k x k kernel whose centre is `w` (identity for w = 1, b = 0). */
function tinyNet(opts: { colour?: ColourConvention; bias?: number; k?: number; padding?: 'same' | 'valid'; scale?: number } = {}): SrcnnWeights {
  const k = opts.k ?? 1;
  const spec: LayerSpec = { kernel: [k, k], in: 1, out: 1, padding: opts.padding ?? 'same', paddingMode: 'replicate', activation: 'linear' };
  const weights = new Float32Array(k * k);
  weights[(k * k - 1) / 2] = 1;
  return {
    layers: [{ spec, weights, bias: Float32Array.of(opts.bias ?? 0) }],
    meta: { architecture: `${k}`, scale: opts.scale ?? 2, colour: opts.colour ?? 'matlab-y' },
  };
}

function channel(img: Image, c: number): number[] {
  return Array.from({ length: img.width * img.height }, (_, i) => img.data[i * img.channels + c]!);
}

describe('pipeline/srcnn', () => {
  const backend = createJsBackend();

  it('upscale: gray through an identity network is the bicubic image (MATLAB and OpenCV pre-upscaling)', async () => {
    const m = srcnn({ weights: tinyNet(), backend });
    const img = randomImage(13, 9, 1, 1);
    const hi = await m.upscale(img, { scale: 3 });
    expect([hi.width, hi.height, hi.channels]).to.deep.equal([39, 27, 1]);
    expect(Array.from(hi.data)).to.deep.equal(Array.from(imresizeU8(img, { scale: 3 }).data));
    const cv = await m.upscale(img, { resize: 'opencv-cubic' });
    expect([cv.width, cv.height]).to.deep.equal([26, 18]);
    expect(Array.from(cv.data)).to.deep.equal(Array.from(resize(img, 26, 18, 'cubic').data));
    const frac = await m.upscale(img, { scale: 1.5 });
    expect([frac.width, frac.height]).to.deep.equal([20, 14]);
  });

  it('keeps gray+alpha and RGBA layouts; alpha is the bicubic alpha', async () => {
    const m = srcnn({ weights: tinyNet(), backend });
    const ga = randomImage(8, 7, 2, 2);
    const up = imresizeU8(ga, { scale: 2 });
    const out = await m.upscale(ga);
    expect(out.channels).to.equal(2);
    expect(Array.from(out.data)).to.deep.equal(Array.from(up.data));
    const rgba = randomImage(8, 7, 4, 3);
    const o4 = await m.upscale(rgba);
    expect(o4.channels).to.equal(4);
    expect(channel(o4, 3)).to.deep.equal(channel(imresizeU8(rgba, { scale: 2 }), 3));
  });

  it("restore: Y round trip with each convention ('opencv-y' exact, 'matlab-y' = rounded Y with float chroma)", async () => {
    const rgb = randomImage(11, 10, 3, 4);
    const cv = await srcnn({ weights: tinyNet({ colour: 'opencv-y' }), backend }).restore(rgb);
    expect(Array.from(cv.data)).to.deep.equal(Array.from(yCrCbToRgb(rgbToYCrCb(rgb)).data));
    const mat = await srcnn({ weights: tinyNet({ colour: 'matlab-y' }), backend }).restore(rgb);
    const ycc = rgbToYCbCrMatlab(rgb);
    for (let i = 0; i < ycc.data.length; i += 3) ycc.data[i] = Math.floor(ycc.data[i]! + 0.5);
    expect(Array.from(mat.data)).to.deep.equal(Array.from(ycbcrToRgbMatlab(ycc).data));
    let worst = 0;
    for (let i = 0; i < rgb.data.length; i++) worst = Math.max(worst, Math.abs(mat.data[i]! - rgb.data[i]!));
    expect(worst).to.be.at.most(2);
    const rgba = randomImage(11, 10, 4, 5);
    const o4 = await srcnn({ weights: tinyNet({ colour: 'opencv-y' }), backend }).restore(rgba);
    expect(channel(o4, 3)).to.deep.equal(channel(rgba, 3));
  });

  it("quantises the network's Y by rounding (default) or truncating (the tutorial)", async () => {
    const m = srcnn({ weights: tinyNet({ bias: 0.6 / 255 }), backend });
    const img = createImage(4, 3, 1, Uint8Array.from([0, 10, 100, 254, 255, 1, 2, 3, 4, 5, 6, 7]));
    const round = await m.restore(img);
    const trunc = await m.restore(img, { rounding: 'truncate' });
    expect(Array.from(round.data)).to.deep.equal([1, 11, 101, 255, 255, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(trunc.data)).to.deep.equal(Array.from(img.data));
  });

  it("'valid' networks: border 'keep' keeps the size and the input's border, 'crop' returns the centre", async () => {
    const m = srcnn({ weights: tinyNet({ k: 3, padding: 'valid', bias: 2 / 255 }), backend });
    const img = randomImage(9, 8, 1, 6);
    img.data.forEach((v, i) => (img.data[i] = Math.min(v, 250)));
    const keep = await m.restore(img);
    const crop = await m.restore(img, { border: 'crop' });
    expect([keep.width, keep.height, crop.width, crop.height]).to.deep.equal([9, 8, 7, 6]);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 9; x++) {
        const inner = x > 0 && y > 0 && x < 8 && y < 7;
        const v = keep.data[y * 9 + x]!;
        expect(v).to.equal(img.data[y * 9 + x]! + (inner ? 2 : 0));
        if (inner) expect(crop.data[(y - 1) * 7 + x - 1]).to.equal(v);
      }
    }
  });

  it('superResolveY returns the raw float output (no clipping), tiled or not, with progress', async () => {
    const m = srcnn({ weights: tinyNet({ bias: -2 }), backend });
    const y = createPlane(5, 4, 1);
    y.data.fill(0.5);
    const seen: number[] = [];
    const out = await m.superResolveY(y, { tileSize: 2, onProgress: (d) => seen.push(d) });
    expect(out.data[0]).to.equal(-1.5);
    expect(seen).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(m.scale).to.equal(2);
  });

  it('rejects bad input and options with typed errors', async () => {
    expect(srcnn().scale, 'no weights: the shipped x3 weights, loaded on first use').to.equal(3);
    expect(() => srcnn({ weights: tinyNet(), colour: 'x' } as never)).to.throw(OptionError, /unknown option 'colour'/);
    expect(() => srcnn({ weights: tinyNet(), scale: 0.5 })).to.throw(OptionError, /scale/);
    expect(() => srcnn({ weights: tinyNet(), tileSize: 0 })).to.throw(OptionError, /tileSize/);
    expect(() => srcnn({ weights: tinyNet(), backend: 'gpu' as never })).to.throw(OptionError, /backend/);
    expect(() => srcnn({ weights: tinyNet(), arch: '9-1-5' })).to.throw(WeightsError, /architecture '1'/);
    const bad = tinyNet();
    bad.layers[0]!.weights[0] = NaN;
    expect(() => srcnn({ weights: bad })).to.throw(WeightsError, /NaN/);
    const m = srcnn({ weights: tinyNet(), backend });
    const rejects = async (p: Promise<unknown>, type: new (...a: never[]) => Error, re: RegExp) => {
      try {
        await p;
      } catch (e) {
        expect(e).to.be.instanceOf(type);
        expect((e as Error).message).to.match(re);
        return;
      }
      expect.fail(`expected ${type.name}`);
    };
    await rejects(m.upscale({ width: 0, height: 3, channels: 1, data: new Uint8Array(0) }), ShapeError, /upscale.*positive/);
    await rejects(m.upscale({ width: 2, height: 3, channels: 1, data: new Uint8Array(5) }), ShapeError, /needs 6 bytes/);
    await rejects(m.upscale({ width: 2, height: 3, channels: 1, data: new Float32Array(6) } as never), ShapeError, /Uint8Array/);
    await rejects(m.upscale(randomImage(3, 3, 1, 1), { resize: 'lanczos' as never }), OptionError, /resize/);
    await rejects(m.restore(randomImage(3, 3, 1, 1), { border: 'pad' as never }), OptionError, /border/);
    await rejects(m.upscale(randomImage(3, 3, 1, 1), { scale: NaN }), OptionError, /scale/);
    await rejects(m.superResolveY(createPlane(3, 3, 3)), ShapeError, /1-channel/);
    const nan = createPlane(3, 3, 1);
    nan.data[4] = NaN;
    await rejects(m.superResolveY(nan), ValueError, /non-finite/);
    const aborted = AbortSignal.abort();
    await rejects(m.upscale(randomImage(3, 3, 3, 1), { signal: aborted }), AbortError, /aborted/);
    const valid = srcnn({ weights: tinyNet({ k: 5, padding: 'valid' }), backend });
    await rejects(valid.restore(randomImage(4, 9, 1, 1)), ShapeError, /too small/);
    m.dispose();
    await rejects(m.restore(randomImage(3, 3, 1, 1)), ValueError, /disposed/);
  });

  it('calls a weights loader once, lazily, with scale and arch; a failed load is retried', async () => {
    const calls: string[] = [];
    let fail = true;
    const m = srcnn({
      scale: 4,
      arch: 'tiny',
      backend,
      weights: async (req) => {
        calls.push(`${req.arch}x${req.scale}`);
        if (fail) throw new IoError('w.safetensors', 'missing');
        return tinyNet({ scale: 4 });
      },
    });
    expect(calls).to.deep.equal([]);
    await m.weights().then(() => expect.fail('should fail'), (e: unknown) => expect(e).to.be.instanceOf(IoError));
    fail = false;
    const img = randomImage(3, 2, 1, 9);
    expect((await m.upscale(img)).width).to.equal(12);
    await m.upscale(img);
    expect(calls).to.deep.equal(['tinyx4', 'tinyx4']);
  });
});

describe('node/shipped_weights', () => {
  it('loads weights/srcnn-<arch>-x<scale>.safetensors and names what exists when one is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'srcnn-weights-'));
    try {
      expect(shippedWeightsPath(3, '9-1-5', dir)).to.equal(join(dir, 'srcnn-9-1-5-x3.safetensors'));
      writeFileSync(join(dir, 'srcnn-9-1-5-x2.safetensors'), encodeSrcnnWeights(tinyNet({ scale: 2 })));
      const w = loadShippedWeights(2, '9-1-5', dir);
      expect(w.meta.scale).to.equal(2);
      expect(() => loadShippedWeights(3, '9-1-5', dir)).to.throw(IoError, /no shipped SRCNN weights for 9-1-5 x3 \(shipped weights are: srcnn-9-1-5-x2.safetensors\)/);
      expect(() => loadShippedWeights(3, '9-1-5', join(dir, 'nope'))).to.throw(IoError, /no weights are shipped/);
      expect(() => shippedWeightsPath(3, '../x')).to.throw(OptionError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
