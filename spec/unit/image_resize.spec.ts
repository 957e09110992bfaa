import { expect } from 'chai';
import { OptionError, ShapeError, ValueError } from '../../lib/errors.js';
import { degrade, degradePlane } from '../../lib/image/degrade.js';
import type { Image } from '../../lib/image/image.js';
import { imresize, imresizeTab, imresizeU8 } from '../../lib/image/imresize.js';
import { mapRows } from '../../lib/image/resize/common.js';
import { resize, resizeFloat, type Interpolation } from '../../lib/image/resize/index.js';

const gray = (rows: number[][]): Image => ({ width: rows[0]!.length, height: rows.length, channels: 1, data: Uint8Array.from(rows.flat()) });
const INTERPS: Interpolation[] = ['nearest', 'linear', 'cubic', 'area'];

describe('resize (cv2.resize)', () => {
  it('conventions.md worked examples: Q11 linear gives 113 where float64 + rint gives 112', () => {
    expect(Array.from(resize(gray([[169, 65], [6, 160]]), 3, 3, 'linear').data)).to.deep.equal([169, 117, 65, 88, 100, 113, 6, 83, 160]);
    expect(Array.from(resize(gray([[0, 255]]), 4, 1, 'linear').data)).to.deep.equal([0, 64, 191, 255]);
  });
  it('2x upscale blends row 0 with itself (y is not clamped): weights 512/1536 on T>>4', () => {
    // Column of [0, 255]: output row 0 uses rows (0, 0) with fy = 0.75, row 1 uses (0, 1) with fy = 0.25.
    expect(Array.from(resize(gray([[0], [255]]), 1, 4, 'linear').data)).to.deep.equal([0, 64, 191, 255]);
  });
  it('nearest uses floor(d * scale), not pixel centres', () => {
    expect(Array.from(resize(gray([[10, 20, 30]]), 2, 1, 'nearest').data)).to.deep.equal([10, 20]);
  });
  it('returns a new image and leaves the input untouched, also for a same-size copy', () => {
    const img = gray([[1, 2], [3, 4]]);
    for (const m of INTERPS) {
      for (const [w, h] of [[2, 2], [3, 5]] as const) {
        const out = resize(img, w, h, m);
        expect(out.data).to.not.equal(img.data);
        expect(out.data.buffer).to.not.equal(img.data.buffer);
      }
    }
    expect(Array.from(img.data)).to.deep.equal([1, 2, 3, 4]);
  });
  it('rejects bad sizes with ValueError, unknown interpolations with OptionError, bad data with ShapeError', () => {
    const img = gray([[1, 2]]);
    for (const [w, h] of [[0, 1], [1, 0], [-2, 3], [1.5, 2], [Number.NaN, 2], [Infinity, 1]]) {
      expect(() => resize(img, w!, h!, 'linear')).to.throw(ValueError, /positive integers/);
    }
    expect(() => resize(img, 2 ** 20, 2 ** 20, 'linear')).to.throw(ValueError, /exceeds/);
    expect(() => resize(img, 2, 2, 'lanczos' as Interpolation)).to.throw(OptionError, /lanczos/);
    expect(() => resize({ width: 3, height: 1, channels: 1, data: new Uint8Array(2) }, 2, 2, 'linear')).to.throw(ShapeError, /needs 3/);
    expect(() => resize({ width: 1, height: 1, channels: 5 as never, data: new Uint8Array(5) }, 2, 2, 'linear')).to.throw(ShapeError, /1 to 4/);
    const p = { width: 2, height: 1, channels: 1, data: new Float64Array(2) as unknown as Float32Array };
    expect(() => resizeFloat(p, 2, 2, 'linear')).to.throw(ValueError, /Float32Array/);
  });
});

describe('mapRows (row cache of the separable resizers)', () => {
  it('keeps rows already computed and fills each missing row once', () => {
    const have = Int32Array.of(-1, -1, -1, -1);
    const slot = new Int32Array(4);
    let computed = 0;
    for (let sy = -1; sy < 20; sy++) {
      const need = Int32Array.from([sy - 1, sy, sy + 1, sy + 2], (r) => Math.min(Math.max(r, 0), 9));
      const fill = mapRows(need, have, slot);
      for (let j = 0; j < 4; j++) if ((fill >> j) & 1) computed++;
      for (let k = 0; k < 4; k++) expect(have[slot[k]!]).to.equal(need[k]);
    }
    expect(computed).to.equal(10); // each of the 10 source rows exactly once
  });
});

describe('imresize (MATLAB bicubic)', () => {
  it('contributions: x2 up keeps 4 taps, x1/2 with antialiasing 8 taps whose weights sum to 1', () => {
    const up = imresizeTab(10, 20, 2);
    expect(up.taps).to.equal(4);
    const down = imresizeTab(20, 10, 0.5);
    expect(down.taps).to.be.oneOf([8, 9]);
    for (let i = 0; i < 10; i++) {
      let s = 0;
      for (let k = 0; k < down.taps; k++) s += down.w[i * down.taps + k]!;
      expect(s).to.be.closeTo(1, 1e-15);
    }
  });
  it('symmetric border mirrors half-sample (tap 0 -> pixel 1, tap n+1 -> pixel n); replicate clamps', () => {
    const sym = imresizeTab(4, 8, 2, 'symmetric');
    const rep = imresizeTab(4, 8, 2, 'replicate');
    const row = (t: typeof sym, i: number) => Array.from(t.idx.subarray(i * t.taps, (i + 1) * t.taps));
    expect([row(sym, 0), row(sym, 7)]).to.deep.equal([[1, 0, 0, 1], [2, 3, 3, 2]]); // 1-based taps -1..2 and 3..6
    expect([row(rep, 0), row(rep, 7)]).to.deep.equal([[0, 0, 0, 1], [2, 3, 3, 3]]);
  });
  it('output size is ceil(scale * size); explicit sizes set the scale per axis', () => {
    const p = { width: 10, height: 7, channels: 2, data: new Float64Array(140) };
    const a = imresize(p, { scale: 1 / 3 });
    expect([a.width, a.height, a.channels]).to.deep.equal([4, 3, 2]);
    const b = imresize(p, { width: 3, height: 11 });
    expect([b.width, b.height]).to.deep.equal([3, 11]);
  });
  it('rejects unknown, missing and contradictory options', () => {
    const img = gray([[1, 2], [3, 4]]);
    expect(() => imresizeU8(img, {})).to.throw(OptionError, /give scale/);
    expect(() => imresizeU8(img, { scale: 2, width: 3, height: 3 })).to.throw(OptionError, /not both/);
    expect(() => imresizeU8(img, { width: 3 })).to.throw(OptionError, /together/);
    expect(() => imresizeU8(img, { scale: 2, method: 'bilinear' } as never)).to.throw(OptionError, /unknown option 'method'/);
    expect(() => imresizeU8(img, { scale: 2, border: 'circular' as never })).to.throw(OptionError, /border/);
    for (const scale of [0, -1, Number.NaN, Infinity]) expect(() => imresizeU8(img, { scale })).to.throw(ValueError, /scale/);
    expect(() => imresizeU8(img, { width: 0, height: 2 })).to.throw(ValueError, /positive integers/);
  });
});

describe('degrade / degradePlane', () => {
  it('degrade keeps the size and rejects bad scales and empty results', () => {
    const img: Image = { width: 7, height: 5, channels: 3, data: new Uint8Array(105).map((_, i) => (i * 37) & 255) };
    for (const m of [...INTERPS, 'matlab'] as const) {
      const out = degrade(img, 2, m);
      expect([out.width, out.height, out.channels]).to.deep.equal([7, 5, 3]);
    }
    expect(() => degrade(img, 0.5, 'linear')).to.throw(ValueError);
    expect(() => degrade(img, 6, 'linear')).to.throw(ShapeError, /empty/);
    expect(() => degrade(img, 2, 'bogus' as never)).to.throw(OptionError);
  });
  it('degradePlane needs a modcropped plane', () => {
    expect(() => degradePlane({ width: 10, height: 9, channels: 1, data: new Float64Array(90) }, 3)).to.throw(ShapeError, /modcrop/);
    const p = degradePlane({ width: 12, height: 9, channels: 1, data: new Float64Array(108).fill(0.25) }, 3);
    expect([p.width, p.height]).to.deep.equal([12, 9]);
    expect(() => degradePlane({ width: 4, height: 4, channels: 1, data: new Float64Array(16) }, 1)).to.throw(ValueError);
  });
});
