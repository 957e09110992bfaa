/**
 * lib/metrics against scikit-image 0.19.3 and a numpy port of Wang's ssim_index.m
 * (fixtures: tools/fixtures/gen_metrics_fixtures.py -> spec/fixtures/metrics/*.json).
 *
 * Tolerances: MSE on uint8 inputs (and the uint8 'paper' protocol) exact; MSE on floats, PSNR and SSIM |diff| <= 1e-9 (relative for
 * MSE/PSNR), SSIM maps per value <= 1e-9.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { fixturesDir, hasShared } from '../helpers/paths.js';
import { readSharedImage } from '../helpers/shared_data.js';
import { ShapeError, ValueError } from '../../lib/errors.js';
import { crop } from '../../lib/image/crop.js';
import type { Channels, Image, Plane } from '../../lib/image/image.js';
import {
  compareImages, evaluate, mse, psnr, ssim, ssimWang, type EvalProtocol, type SsimOptions,
} from '../../lib/metrics/index.js';

interface Enc { dtype: 'uint8' | 'float64'; shape: [number, number, number]; b64: string }
type Num = number | 'inf' | '-inf';
interface Case<E> { name: string; a: Enc; b: Enc; options: Record<string, unknown>; expected: E | { error: string; message: string } }

function decode(e: Enc): Image | Plane {
  const [height, width, channels] = e.shape;
  const buf = Buffer.from(e.b64, 'base64');
  if (e.dtype === 'uint8') return { width, height, channels: channels as Channels, data: new Uint8Array(buf) };
  const data = new Float64Array(buf.byteLength / 8);
  for (let i = 0; i < data.length; i++) data[i] = buf.readDoubleLE(i * 8);
  return { width, height, channels, data };
}

function num(x: Num): number {
  return x === 'inf' ? Infinity : x === '-inf' ? -Infinity : x;
}

function load<E>(file: string): Case<E>[] {
  return (JSON.parse(readFileSync(join(fixturesDir, 'metrics', file), 'utf8')) as { cases: Case<E>[] }).cases;
}

function isError<E>(x: E | { error: string }): x is { error: string; message: string } {
  return typeof x === 'object' && x !== null && 'error' in x;
}

function expectClose(got: number, want: number, tol: number, what: string): void {
  if (!Number.isFinite(want)) {
    expect(got, what).to.equal(want);
    return;
  }
  expect(Math.abs(got - want), `${what}: got ${got}, want ${want}`).to.be.at.most(tol);
}

describe('metrics conformance: skimage 0.19.3 structural_similarity', () => {
  for (const c of load<{ mssim: Num; map?: Enc }>('ssim.json')) {
    it(c.name, () => {
      const a = decode(c.a);
      const b = decode(c.b);
      const opts = c.options as SsimOptions & { full?: false };
      if (isError(c.expected)) {
        // skimage: ValueError for the extent and odd checks, ZeroDivisionError for winSize 1 + sample cov.
        const want = /exceeds image extent/.test(c.expected.message) ? ShapeError : ValueError;
        expect(() => ssim(a, b, opts)).to.throw(want);
        return;
      }
      const e = c.expected;
      expectClose(ssim(a, b, opts), num(e.mssim), 1e-9, 'mssim');
      expectClose(ssim(b, a, opts), num(e.mssim), 1e-9, 'mssim swapped');
      if (e.map) {
        const want = decode(e.map);
        const got = ssim(a, b, { ...opts, full: true });
        expectClose(got.mssim, num(e.mssim), 1e-9, 'full mssim');
        expect([got.map.width, got.map.height, got.map.channels]).to.deep.equal([want.width, want.height, want.channels]);
        for (let i = 0; i < want.data.length; i++) expectClose(got.map.data[i]!, want.data[i]!, 1e-9, `map[${i}]`);
      }
    });
  }
});

describe('metrics conformance: skimage 0.19.3 peak_signal_noise_ratio / mean_squared_error', () => {
  for (const c of load<{ psnr: Num; mse: number }>('psnr_mse.json')) {
    it(c.name, () => {
      const a = decode(c.a);
      const b = decode(c.b);
      if (isError(c.expected)) {
        expect(() => psnr(a, b, c.options)).to.throw(ValueError, /outside \[-1, 1\].*dataRange/);
        return;
      }
      const e = c.expected;
      const m = mse(a, b);
      if (a.data instanceof Uint8Array) expect(m).to.equal(e.mse);
      else expectClose(m, e.mse, 1e-12 * Math.max(1, e.mse), 'mse');
      expectClose(psnr(a, b, c.options), num(e.psnr), 1e-9 * Math.max(1, Math.abs(num(e.psnr))), 'psnr');
    });
  }
});

describe("metrics conformance: Wang's ssim_index.m (numpy port)", () => {
  for (const c of load<{ mssim: Num; map?: Enc; skimageGaussianPopulation?: Num }>('ssim_wang.json')) {
    it(c.name, () => {
      const a = decode(c.a);
      const b = decode(c.b);
      const e = c.expected as { mssim: Num; map?: Enc; skimageGaussianPopulation?: Num };
      expectClose(ssimWang(a, b, c.options), num(e.mssim), 1e-9, 'ssimWang');
      if (e.skimageGaussianPopulation !== undefined) {
        const sk = ssim(a, b, {
          gaussianWeights: true, useSampleCovariance: false,
          dataRange: c.options['dataRange'] as number, K1: c.options['K1'] as number, K2: c.options['K2'] as number,
        });
        expectClose(sk, num(e.skimageGaussianPopulation), 1e-9, 'skimage gaussian population');
      }
      if (e.map) {
        const want = decode(e.map);
        const got = ssimWang(a, b, { ...c.options, full: true });
        expect([got.map.width, got.map.height, got.map.channels]).to.deep.equal([want.width, want.height, want.channels]);
        for (let i = 0; i < want.data.length; i++) expectClose(got.map.data[i]!, want.data[i]!, 1e-9, `map[${i}]`);
      }
    });
  }
});

describe("metrics conformance: the Keras tutorial's compare_images", () => {
  for (const c of load<{ psnr: Num; mse: number; ssim: number }>('compare.json')) {
    it(c.name, () => {
      const e = c.expected as { psnr: Num; mse: number; ssim: number };
      const got = compareImages(decode(c.a), decode(c.b));
      expectClose(got.psnr, num(e.psnr), 1e-9, 'psnr');
      expect(got.mse).to.equal(e.mse);
      expectClose(got.ssim, e.ssim, 1e-9, 'ssim');
    });
  }
});

describe('metrics conformance: evaluation protocols (numpy ports of demo_SR.m, the tutorial, BasicSR)', () => {
  interface EvalCase { name: string; protocol: EvalProtocol; scale: number; sr: Enc; hr: Enc; expected: { psnr: Num; ssim: number; mse: number } }
  const cases = (JSON.parse(readFileSync(join(fixturesDir, 'metrics', 'evaluate.json'), 'utf8')) as { cases: EvalCase[] }).cases;
  for (const c of cases) {
    it(c.name, () => {
      const got = evaluate(decode(c.sr), decode(c.hr), { protocol: c.protocol, scale: c.scale });
      const e = c.expected;
      expectClose(got.psnr, num(e.psnr), 1e-9, 'psnr');
      expectClose(got.ssim, e.ssim, 1e-9, 'ssim');
      if (c.protocol === 'paper') expect(got.mse).to.equal(e.mse);
      else expectClose(got.mse, e.mse, 1e-9 * Math.max(1, e.mse), 'mse');
    });
  }
});

(hasShared ? describe : describe.skip)('metrics conformance: real images from ../shared/data (skimage 0.19.3, numpy ports)', () => {
  interface Scores { psnr: Num; ssim: number; mse: number }
  interface SharedCase {
    name: string; path: string; checksum: number;
    expected: { mse: number; psnr: number; ssim: number; ssimGaussian: number; ssimWang: number; paper: Scores; tutorial: Scores };
  }
  /** 2x2 block mean rounded half up, replicated back (the generator's box2). */
  function box2(x: Image): Image {
    const { width: W, height: H, channels: C } = x;
    const out = new Uint8Array(x.data.length);
    for (let y = 0; y < H; y += 2) {
      for (let xx = 0; xx < W; xx += 2) {
        for (let c = 0; c < C; c++) {
          const at = (yy: number, xc: number): number => (yy * W + xc) * C + c;
          const v = (x.data[at(y, xx)]! + x.data[at(y, xx + 1)]! + x.data[at(y + 1, xx)]! + x.data[at(y + 1, xx + 1)]! + 2) >> 2;
          out[at(y, xx)] = out[at(y, xx + 1)] = out[at(y + 1, xx)] = out[at(y + 1, xx + 1)] = v;
        }
      }
    }
    return { ...x, data: out };
  }
  const cases = (JSON.parse(readFileSync(join(fixturesDir, 'metrics', 'shared_images.json'), 'utf8')) as { cases: SharedCase[] }).cases;
  for (const c of cases) {
    it(c.name, () => {
      const im = readSharedImage(c.path);
      expect(im.data.reduce((s, v) => s + v, 0), 'pixel checksum (decoder agrees with cv2)').to.equal(c.checksum);
      const hr = crop(im, 0, 0, im.width - (im.width % 2), im.height - (im.height % 2));
      const sr = box2(hr);
      const e = c.expected;
      expect(mse(hr, sr)).to.equal(e.mse);
      expectClose(psnr(hr, sr), e.psnr, 1e-9, 'psnr');
      expectClose(ssim(hr, sr), e.ssim, 1e-9, 'ssim');
      expectClose(ssim(hr, sr, { gaussianWeights: true }), e.ssimGaussian, 1e-9, 'ssim gaussian');
      expectClose(ssimWang(hr, sr), e.ssimWang, 1e-9, 'ssimWang');
      for (const protocol of ['paper', 'tutorial'] as const) {
        const got = evaluate(sr, protocol === 'paper' ? im : hr, { protocol, scale: 2 });
        expectClose(got.psnr, num(e[protocol].psnr), 1e-9, `${protocol} psnr`);
        expectClose(got.ssim, e[protocol].ssim, 1e-9, `${protocol} ssim`);
        expectClose(got.mse, e[protocol].mse, 1e-9 * e[protocol].mse, `${protocol} mse`);
      }
    });
  }
});
