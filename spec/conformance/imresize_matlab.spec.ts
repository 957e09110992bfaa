/**
 * MATLAB imresize (bicubic) against the numpy port in tools/fixtures/gen_resize_fixtures.py and against the
 * values MATLAB printed in GNU Octave's imresize.m tests. uint8: bit-exact. float64: 1e-9 absolute.
 */
import { expect } from 'chai';
import { imresize, imresizeU8 } from '../../lib/image/imresize.js';
import type { Channels } from '../../lib/image/image.js';
import { b64f64, b64u8, firstDiff, maxAbsDiff, readFixture } from '../helpers/image_fixtures.js';

const F64_TOL = 1e-9;

interface Case {
  scale?: number;
  width?: number;
  height?: number;
  border: 'symmetric' | 'replicate';
  cn: number;
  w: number;
  h: number;
  ow: number;
  oh: number;
  src: string;
  out: string;
}
interface MatlabFixture {
  f64: Case[];
  u8: Case[];
  octave: {
    src: number[][];
    bicubic: { scale: number; antialias: boolean; out: number[][] }[];
    no_antialias_4x4: { src: number[][]; scale: number; out: number[][] };
  };
}

const fx = readFixture<MatlabFixture>('resize/matlab.json');
const optsOf = (c: Case) =>
  c.scale !== undefined ? { scale: c.scale, border: c.border } : { width: c.width!, height: c.height!, border: c.border };
const label = (c: Case) =>
  `${c.w}x${c.h}x${c.cn} ${c.scale !== undefined ? `scale ${c.scale.toPrecision(6)}` : `to ${c.width}x${c.height}`} ${c.border} -> ${c.ow}x${c.oh}`;

describe(`imresize (float64) vs the numpy MATLAB port (tolerance ${F64_TOL})`, () => {
  for (const c of fx.f64) {
    it(label(c), () => {
      const got = imresize({ width: c.w, height: c.h, channels: c.cn, data: b64f64(c.src) }, optsOf(c));
      expect([got.width, got.height, got.channels]).to.deep.equal([c.ow, c.oh, c.cn]);
      expect(maxAbsDiff(got.data, b64f64(c.out))).to.be.at.most(F64_TOL);
    });
  }
});

describe('imresizeU8 vs the numpy MATLAB port (bit-exact)', () => {
  for (const c of fx.u8) {
    it(label(c), () => {
      const got = imresizeU8({ width: c.w, height: c.h, channels: c.cn as Channels, data: b64u8(c.src) }, optsOf(c));
      expect([got.width, got.height, got.channels]).to.deep.equal([c.ow, c.oh, c.cn]);
      expect(firstDiff(got.data, b64u8(c.out))).to.equal(null);
    });
  }
});

describe('imresize vs values printed by MATLAB (GNU Octave imresize.m tests)', () => {
  const { src, bicubic, no_antialias_4x4: na } = fx.octave;
  const img = { width: src[0]!.length, height: src.length, channels: 1 as const, data: Uint8Array.from(src.flat()) };
  for (const c of bicubic) {
    it(`8x10 uint8, scale ${c.scale.toPrecision(4)}, antialias ${c.antialias}: identical with the symmetric border`, () => {
      const got = imresizeU8(img, { scale: c.scale, antialias: c.antialias });
      expect([got.height, got.width]).to.deep.equal([c.out.length, c.out[0]!.length]);
      expect(Array.from(got.data)).to.deep.equal(c.out.flat());
    });
  }
  it("reshape(0:15,4,4)' at 0.5 without antialiasing is [[2.1875, 4.3125], [10.6875, 12.8125]] exactly", () => {
    const p = { width: 4, height: 4, channels: 1, data: Float64Array.from(na.src.flat()) };
    expect(Array.from(imresize(p, { scale: na.scale, antialias: false }).data)).to.deep.equal(na.out.flat());
  });
  it('the replicate border (older MATLAB) differs from those values at the border', () => {
    const c = bicubic[0]!;
    const got = imresizeU8(img, { scale: c.scale, border: 'replicate' });
    expect(firstDiff(got.data, c.out.flat())).to.not.equal(null);
  });
});
