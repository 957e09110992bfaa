/**
 * Properties of lib/metrics (fast-check), and the fast SSIM kernel (running sums / symmetric taps,
 * all channels at once) against a naive per-pixel 2-D window oracle with scipy 'reflect' borders.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { Channels, Image } from '../../lib/image/image.js';
import { mse, psnr, ssim, ssimWang, type SsimOptions } from '../../lib/metrics/index.js';

const arbPair = (minSide: number, maxSide: number): fc.Arbitrary<[Image, Image]> =>
  fc.tuple(fc.integer({ min: minSide, max: maxSide }), fc.integer({ min: minSide, max: maxSide }), fc.constantFrom<Channels>(1, 2, 3, 4))
    .chain(([w, h, c]) => {
      const n = w * h * c;
      const arr = fc.uint8Array({ minLength: n, maxLength: n });
      return fc.tuple(arr, arr).map(([a, b]): [Image, Image] => [
        { width: w, height: h, channels: c, data: a },
        { width: w, height: h, channels: c, data: b },
      ]);
    });

/** Same image with its channels permuted by `perm`. */
function permute(x: Image, perm: readonly number[]): Image {
  const C = x.channels;
  const out = new Uint8Array(x.data.length);
  for (let p = 0; p < x.width * x.height; p++) for (let c = 0; c < C; c++) out[p * C + c] = x.data[p * C + perm[c]!]!;
  return { ...x, data: out };
}

function reflect(i: number, n: number): number {
  const m = ((i % (2 * n)) + 2 * n) % (2 * n);
  return m < n ? m : 2 * n - 1 - m;
}

/** Direct evaluation of skimage's SSIM: full 2-D weighted window per pixel and channel. */
function naiveSsim(a: Image, b: Image, o: { winSize: number; gaussian: boolean; sigma: number; sample: boolean; R: number }): number {
  const { width: W, height: H, channels: C } = a;
  const r = o.gaussian ? Math.trunc(3.5 * o.sigma + 0.5) : (o.winSize - 1) / 2;
  const w1: number[] = [];
  for (let i = -r; i <= r; i++) w1.push(o.gaussian ? (r === 0 ? 1 : Math.exp((-0.5 / (o.sigma * o.sigma)) * i * i)) : 1);
  const sw = w1.reduce((s, v) => s + v, 0);
  const NP = o.winSize * o.winSize;
  const cn = o.sample ? NP / (NP - 1) : 1;
  const C1 = (0.01 * o.R) ** 2;
  const C2 = (0.03 * o.R) ** 2;
  const pad = (o.winSize - 1) / 2;
  let total = 0;
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let y = pad; y < H - pad; y++) {
      for (let x = pad; x < W - pad; x++) {
        let ux = 0, uy = 0, uxx = 0, uyy = 0, uxy = 0;
        for (let i = -r; i <= r; i++) {
          for (let j = -r; j <= r; j++) {
            const wt = (w1[i + r]! * w1[j + r]!) / (sw * sw);
            const k = (reflect(y + i, H) * W + reflect(x + j, W)) * C + c;
            const va = a.data[k]!;
            const vb = b.data[k]!;
            ux += wt * va; uy += wt * vb; uxx += wt * va * va; uyy += wt * vb * vb; uxy += wt * va * vb;
          }
        }
        const vx = cn * (uxx - ux * ux);
        const vy = cn * (uyy - uy * uy);
        const vxy = cn * (uxy - ux * uy);
        s += ((2 * ux * uy + C1) * (2 * vxy + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
      }
    }
    total += s / ((H - 2 * pad) * (W - 2 * pad));
  }
  return total / C;
}

describe('metrics properties', () => {
  it('ssim(a, a) = 1, psnr(a, a) = Infinity, mse(a, a) = 0', () => {
    fc.assert(fc.property(arbPair(7, 18), fc.boolean(), ([a], gaussianWeights) => {
      if (gaussianWeights && (a.width < 11 || a.height < 11)) return;
      expect(ssim(a, a, { gaussianWeights })).to.equal(1);
      expect(psnr(a, a)).to.equal(Infinity);
      expect(mse(a, a)).to.equal(0);
    }), { numRuns: 60 });
  });

  it('symmetric, bounded: ssim in [-1, 1], mse >= 0', () => {
    fc.assert(fc.property(arbPair(7, 18), ([a, b]) => {
      const s = ssim(a, b);
      expect(s).to.be.within(-1, 1);
      expect(ssim(b, a)).to.equal(s);
      const m = mse(a, b);
      expect(m).to.be.at.least(0);
      expect(mse(b, a)).to.equal(m);
      expect(psnr(b, a)).to.equal(psnr(a, b));
    }), { numRuns: 60 });
  });

  it('PSNR and SSIM do not depend on the channel order', () => {
    fc.assert(fc.property(arbPair(7, 14), fc.integer({ min: 0, max: 23 }), ([a, b], k) => {
      const C = a.channels;
      const perm = [...Array(C).keys()];
      for (let i = C - 1; i > 0; i--) { const j = k % (i + 1); [perm[i], perm[j]] = [perm[j]!, perm[i]!]; } // a permutation of 0..C-1
      const pa = permute(a, perm);
      const pb = permute(b, perm);
      expect(psnr(pa, pb)).to.equal(psnr(a, b));
      expect(ssim(pa, pb)).to.be.closeTo(ssim(a, b), 1e-14);
    }), { numRuns: 40 });
  });

  it('the fast kernel equals the naive 2-D window oracle (any window, sigma, covariance)', () => {
    const arbOpts = fc.record({
      winSize: fc.constantFrom(1, 3, 5, 7, 9),
      gaussian: fc.boolean(),
      sigma: fc.constantFrom(0, 0.5, 1, 1.5, 2.2),
      sample: fc.boolean(),
    });
    fc.assert(fc.property(arbPair(1, 13), arbOpts, ([a, b], o) => {
      const winSize = o.winSize;
      if (winSize > a.width || winSize > a.height || (o.sample && winSize === 1)) return;
      const opts: SsimOptions & { full?: false } = { winSize, gaussianWeights: o.gaussian, sigma: o.sigma, useSampleCovariance: o.sample };
      const want = naiveSsim(a, b, { winSize, gaussian: o.gaussian, sigma: o.sigma, sample: o.sample, R: 255 });
      expect(ssim(a, b, opts)).to.be.closeTo(want, 1e-9);
    }), { numRuns: 150 });
  });

  it('ssimWang = skimage gaussian, population covariance, R = 255', () => {
    fc.assert(fc.property(arbPair(11, 20), ([a, b]) => {
      expect(ssimWang(a, b)).to.be.closeTo(ssim(a, b, { gaussianWeights: true, useSampleCovariance: false }), 1e-13);
    }), { numRuns: 30 });
  });
});
