import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mseLoss } from '../../lib/train/loss.js';
import { createAdam, createSgd, scheduledLr, type TrainableParam } from '../../lib/train/optimizers.js';
import { Mulberry32, deriveSeed, shuffleInPlace } from '../../lib/train/rng.js';
import { Sha256, sha256Hex } from '../../lib/train/sha256.js';

function param(name: string, value: number[], grad: number[]): TrainableParam {
  return { name, value: Float32Array.from(value), grad: Float32Array.from(grad) };
}

describe('train: sha256', () => {
  it('matches node:crypto for lengths around the block and padding boundaries', () => {
    const rng = new Mulberry32(7);
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 4099]) {
      const data = new Uint8Array(n);
      for (let i = 0; i < n; i++) data[i] = rng.nextU32() & 255;
      expect(sha256Hex(data), `length ${n}`).to.equal(createHash('sha256').update(data).digest('hex'));
    }
  });
  it('is the same when fed in uneven pieces', () => {
    const data = new Uint8Array(777).map((_, i) => (i * 31) & 255);
    const h = new Sha256();
    for (let i = 0; i < data.length; i += 13) h.update(data.subarray(i, i + 13));
    expect(h.hex()).to.equal(createHash('sha256').update(data).digest('hex'));
  });
});

describe('train: rng', () => {
  it('mulberry32 is reproducible and resumable from its state', () => {
    const a = new Mulberry32(123);
    a.nextU32();
    const b = new Mulberry32(a.state);
    expect([a.nextU32(), a.nextU32()]).to.deep.equal([b.nextU32(), b.nextU32()]);
    expect(new Mulberry32(1).nextU32()).to.not.equal(new Mulberry32(2).nextU32());
  });
  it('shuffle is a permutation and deriveSeed separates epochs', () => {
    const p = shuffleInPlace(Uint32Array.from({ length: 100 }, (_, i) => i), new Mulberry32(deriveSeed(1, 0)));
    expect(Array.from(p).sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
    expect(deriveSeed(1, 0)).to.not.equal(deriveSeed(1, 1));
  });
});

describe('train: mse loss', () => {
  it('returns the mean squared error and its gradient 2 (p - t) / n', () => {
    const pred = Float32Array.from([1, 2, 3, 4]);
    const label = Float32Array.from([1, 0, 3, 5]);
    const grad = new Float32Array(4);
    expect(mseLoss(grad, pred, label)).to.equal((0 + 4 + 0 + 1) / 4);
    expect(Array.from(grad)).to.deep.equal([0, 1, 0, -0.5]);
  });
  it('rejects length mismatches', () => {
    expect(() => mseLoss(new Float32Array(2), new Float32Array(2), new Float32Array(3))).to.throw(/lengths/);
  });
});

describe('train: optimizers', () => {
  it('SGD with momentum follows v = m v + lr g, w -= v, with per-parameter multipliers', () => {
    const opt = createSgd({ momentum: 0.9, lrMultipliers: { b: 0.1 } });
    const a = param('a', [1], [2]);
    const b = param('b', [1], [2]);
    opt.update([a, b], 0.1);
    expect(a.value[0]).to.be.closeTo(1 - 0.2, 1e-7);
    expect(b.value[0]).to.be.closeTo(1 - 0.02, 1e-7);
    opt.update([a, b], 0.1); // v = 0.9 * 0.2 + 0.2 = 0.38
    expect(a.value[0]).to.be.closeTo(0.8 - 0.38, 1e-6);
    expect(opt.step).to.equal(2);
  });

  it('Adam: first step moves every weight by lr * sign(g) (bias-corrected), matches a float64 reference', () => {
    const opt = createAdam();
    const p = param('w', [0.5, -0.5, 0], [3, -0.01, 0]);
    opt.update([p], 1e-3);
    expect(p.value[0]).to.be.closeTo(0.5 - 1e-3, 1e-7);
    expect(p.value[1]).to.be.closeTo(-0.5 + 1e-3, 1e-7);
    expect(p.value[2]).to.equal(0);
    // second step, reference computed by hand in float64
    p.grad.set([1, 1, 1]);
    opt.update([p], 1e-3);
    const m = 0.9 * 0.1 * 3 + 0.1 * 1, v = 0.999 * 0.001 * 9 + 0.001 * 1;
    const upd = (1e-3 * m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    expect(p.value[0]).to.be.closeTo(0.5 - 1e-3 - upd, 1e-6);
  });

  it('state round-trips: a restored optimizer continues identically', () => {
    for (const make of [() => createAdam({ lrMultipliers: { w: 0.5 } }), () => createSgd()]) {
      const a = make();
      const pa = param('w', [1, 2, 3], [0.1, -0.2, 0.3]);
      a.update([pa], 0.01);
      const b = make();
      const pb = param('w', Array.from(pa.value), [0.1, -0.2, 0.3]);
      b.loadState(a.state(), [pb]);
      for (let k = 0; k < 3; k++) {
        pa.grad.set([k, 1, -k]);
        pb.grad.set([k, 1, -k]);
        a.update([pa], 0.01);
        b.update([pb], 0.01);
      }
      expect(Array.from(pb.value)).to.deep.equal(Array.from(pa.value));
      expect(b.step).to.equal(4);
    }
  });

  it('rejects state of the other kind or the wrong size', () => {
    const p = param('w', [1], [1]);
    const sgd = createSgd();
    sgd.update([p], 0.1);
    expect(() => createAdam().loadState(sgd.state(), [p])).to.throw(/sgd/);
    expect(() => createSgd().loadState(sgd.state(), [param('w', [1, 2], [0, 0])])).to.throw(/values/);
  });

  it('schedules: constant, step decay and cosine', () => {
    expect(scheduledLr({ kind: 'constant' }, 0.1, 1000)).to.equal(0.1);
    expect(scheduledLr({ kind: 'step', every: 10, gamma: 0.5 }, 0.1, 25)).to.be.closeTo(0.025, 1e-15);
    const cos = { kind: 'cosine', totalSteps: 100, minLr: 0.01 } as const;
    expect(scheduledLr(cos, 0.1, 0)).to.equal(0.1);
    expect(scheduledLr(cos, 0.1, 50)).to.be.closeTo(0.055, 1e-12);
    expect(scheduledLr(cos, 0.1, 200)).to.be.closeTo(0.01, 1e-15);
  });
});
