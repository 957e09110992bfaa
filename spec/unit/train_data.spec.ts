import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { createPlane } from '../../lib/image/image.js';
import {
  PatchSampler, datasetChecksum, dihedralCopy, extractPatches, makeTrainingPair, validMargin, type TrainingPair,
} from '../../lib/train/data.js';
import { Mulberry32 } from '../../lib/train/rng.js';

/** A pair whose label is a known function of position and whose input is a different one. */
function codedPair(w: number, h: number): TrainingPair {
  const input = createPlane(w, h, 1), label = createPlane(w, h, 1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      input.data[y * w + x] = (y * 1000 + x) / 1e6;
      label.data[y * w + x] = -(y * 1000 + x) / 1e6;
    }
  }
  return { input, label };
}

describe('train: patch extraction', () => {
  it('validMargin is half the receptive field minus one', () => {
    expect(validMargin([9, 1, 5])).to.equal(6);
    expect(validMargin([9, 5, 5])).to.equal(8);
    expect(() => validMargin([4])).to.throw(/odd/);
  });

  it('cuts 33x33 windows every 14 px with 21x21 centre labels (paper geometry)', () => {
    const pair = codedPair(70, 50); // x positions 0,14,28 (28+33=61<=70; 42+33=75>70); y: 0,14 (14+33=47<=50)
    const set = extractPatches([pair], { patchSize: 33, stride: 14, margin: 6 });
    expect(set.count).to.equal(3 * 2);
    expect(set.inputSize).to.equal(33);
    expect(set.labelSize).to.equal(21);
    expect(set.inputs.length).to.equal(6 * 33 * 33);
    expect(set.labels.length).to.equal(6 * 21 * 21);
    // patch 4 = row 1 (y0 = 14), column 1 (x0 = 14); row-major over positions
    const k = 4, y0 = 14, x0 = 14;
    expect(set.inputs[k * 33 * 33 + 2 * 33 + 3]).to.equal(Math.fround(((y0 + 2) * 1000 + x0 + 3) / 1e6));
    // label (r, c) = HR pixel at (y0 + 6 + r, x0 + 6 + c): the centre of the input window
    expect(set.labels[k * 21 * 21 + 0]).to.equal(Math.fround(-((y0 + 6) * 1000 + x0 + 6) / 1e6));
    expect(set.labels[k * 21 * 21 + 20 * 21 + 20]).to.equal(Math.fround(-((y0 + 26) * 1000 + x0 + 26) / 1e6));
  });

  it('skips images smaller than a patch and rejects bad options', () => {
    const set = extractPatches([codedPair(20, 20), codedPair(33, 33)], { patchSize: 33, stride: 14, margin: 6 });
    expect(set.count).to.equal(1);
    expect(() => extractPatches([codedPair(20, 20)], { patchSize: 33, stride: 14, margin: 6 })).to.throw(/no image/);
    expect(() => extractPatches([codedPair(40, 40)], { patchSize: 12, stride: 14, margin: 6 })).to.throw(/margin/);
  });

  it('makeTrainingPair: modcrop, /255 and a same-size bicubic input', () => {
    const y = createPlane(37, 29, 1);
    for (let i = 0; i < y.data.length; i++) y.data[i] = (i * 7) % 256;
    const { input, label } = makeTrainingPair(y, 3);
    expect([label.width, label.height]).to.deep.equal([36, 27]);
    expect([input.width, input.height]).to.deep.equal([36, 27]);
    expect(label.data[36 + 1]).to.equal((((37 + 1) * 7) % 256) / 255); // row 1, col 1 of the source
    let mean = 0;
    for (const v of input.data) mean += v;
    expect(mean / input.data.length).to.be.within(0.2, 0.8);
  });
});

describe('train: augmentation and sampling', () => {
  const S = 5;
  const src = Float32Array.from({ length: S * S }, (_, i) => i);
  const at = (a: Float32Array, r: number, c: number): number => a[r * S + c]!;

  it('dihedralCopy gives the 8 distinct flips/rotations, t = 0 being the identity', () => {
    const seen = new Set<string>();
    for (let t = 0; t < 8; t++) {
      const out = dihedralCopy(new Float32Array(S * S), 0, src, 0, S, t);
      seen.add(out.join(','));
      expect(Array.from(out).sort((a, b) => a - b)).to.deep.equal(Array.from(src));
    }
    expect(seen.size).to.equal(8);
    expect(Array.from(dihedralCopy(new Float32Array(S * S), 0, src, 0, S, 0))).to.deep.equal(Array.from(src));
    const fx = dihedralCopy(new Float32Array(S * S), 0, src, 0, S, 1);
    expect(at(fx, 1, 0)).to.equal(at(src, 1, S - 1));
    const tr = dihedralCopy(new Float32Array(S * S), 0, src, 0, S, 4);
    expect(at(tr, 1, 3)).to.equal(at(src, 3, 1));
  });

  it('transforming a patch then centre-cropping equals centre-cropping then transforming', () => {
    const m = 1, L = S - 2 * m;
    const centre = (a: Float32Array): Float32Array => {
      const o = new Float32Array(L * L);
      for (let r = 0; r < L; r++) for (let c = 0; c < L; c++) o[r * L + c] = a[(r + m) * S + c + m]!;
      return o;
    };
    for (let t = 0; t < 8; t++) {
      const a = centre(dihedralCopy(new Float32Array(S * S), 0, src, 0, S, t));
      const b = dihedralCopy(new Float32Array(L * L), 0, centre(src), 0, L, t);
      expect(Array.from(a), `t=${t}`).to.deep.equal(Array.from(b));
    }
  });

  it('PatchSampler: each epoch is a permutation, reproducible from the seed, and seek() resumes exactly', () => {
    const rng = new Mulberry32(3);
    const pairs = [codedPair(60, 60)];
    for (const v of pairs[0]!.input.data.keys()) pairs[0]!.input.data[v] = rng.next();
    const set = extractPatches(pairs, { patchSize: 9, stride: 5, margin: 2 });
    const B = 4;
    const draw = (s: PatchSampler, n: number): string[] => {
      const out: string[] = [];
      const x = new Float32Array(B * 81), y = new Float32Array(B * 25);
      for (let i = 0; i < n; i++) {
        s.next(x, y);
        out.push(`${x.join(',')}|${y.join(',')}`);
      }
      return out;
    };
    const opts = { batch: B, seed: 11, augment: true };
    const a = draw(new PatchSampler(set, opts), 40);
    const b = new PatchSampler(set, opts);
    draw(b, 17);
    const pos = b.position;
    const c = new PatchSampler(set, opts);
    c.seek(pos);
    expect(draw(c, 23)).to.deep.equal(a.slice(17));
    expect(new PatchSampler(set, opts).batchesPerEpoch).to.equal(Math.floor(set.count / B));
    // without augmentation one epoch visits every patch once
    const s = new PatchSampler(set, { batch: 1, seed: 5, augment: false });
    const seen = new Set<string>();
    const x = new Float32Array(81), y = new Float32Array(25);
    for (let i = 0; i < set.count; i++) {
      s.next(x, y);
      seen.add(x.join(','));
    }
    expect(seen.size).to.equal(set.count);
  });
});

describe('train: dataset checksum', () => {
  it('is SHA-256 over the file bytes in name order', () => {
    const a = { name: 'a.bmp', bytes: Uint8Array.from([1, 2, 3]) };
    const b = { name: 'b.bmp', bytes: Uint8Array.from([4, 5]) };
    const expected = createHash('sha256').update(Uint8Array.from([1, 2, 3, 4, 5])).digest('hex');
    expect(datasetChecksum([b, a])).to.equal(expected);
  });
});
