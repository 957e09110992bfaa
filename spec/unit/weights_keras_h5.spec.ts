import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecodeError, OptionError, SrcnnError, WeightsError } from '../../lib/errors.js';
import { KERAS_TUTORIAL_PADDINGS, parseKerasH5, type KerasH5Options } from '../../lib/weights/keras_h5.js';
import { fixturesDir } from '../helpers/paths.js';

// Fixtures written by tools/fixtures/gen_weights_fixtures.py (PyTables, Keras group/attribute layout).
const dir = join(fixturesDir, 'weights');
const tinyH5 = () => new Uint8Array(readFileSync(join(dir, 'keras2_model_tiny.h5')));
interface Expected { layers: { oihw_shape: number[]; weights: number[]; bias: number[] }[] }
const expected = JSON.parse(readFileSync(join(dir, 'keras2_model_tiny.json'), 'utf8')) as Expected;

describe('parseKerasH5 (Keras 2 model.save layout)', () => {
  it('reads model_weights, skips weightless layers, strips NUL padding, converts HWIO to OIHW exactly', () => {
    const w = parseKerasH5(tinyH5(), { scale: 3 }, 'tiny.h5');
    expect(w.layers).to.have.length(3);
    w.layers.forEach((l, i) => {
      const e = expected.layers[i]!;
      const s = l.spec;
      expect([s.out, s.in, ...s.kernel], `layer ${i} OIHW shape`).to.deep.equal(e.oihw_shape);
      expect(Array.from(l.weights), `layer ${i} weights`).to.deep.equal(e.weights);
      expect(Array.from(l.bias), `layer ${i} bias`).to.deep.equal(e.bias);
    });
    expect(w.layers.map((l) => [l.spec.padding, l.spec.paddingMode, l.spec.activation])).to.deep.equal([
      ['valid', 'zeros', 'relu'],
      ['same', 'zeros', 'relu'],
      ['valid', 'zeros', 'linear'],
    ]);
    expect(w.meta).to.deep.equal({
      architecture: 'keras-3x2-1-2x3',
      scale: 3,
      colour: 'opencv-y',
      source: 'tiny.h5',
      kerasLayers: ['conv2d_a', 'conv2d_b', 'conv2d_c'],
    });
  });
  it('takes paddings, activations, colour and name from the options', () => {
    const w = parseKerasH5(
      tinyH5(),
      {
        scale: 2,
        colour: 'matlab-y',
        name: 'mine',
        paddings: [{ padding: 'same', paddingMode: 'replicate' }, { padding: 'valid' }, { padding: 'same' }],
        activations: ['linear', 'relu', 'relu'],
      },
    );
    expect(w.layers.map((l) => [l.spec.padding, l.spec.paddingMode, l.spec.activation])).to.deep.equal([
      ['same', 'replicate', 'linear'],
      ['valid', 'zeros', 'relu'],
      ['same', 'zeros', 'relu'],
    ]);
    expect([w.meta.colour, w.meta.name, w.meta.source]).to.deep.equal(['matlab-y', 'mine', '<h5>']);
  });
  it('the default paddings are the tutorial network', () => {
    expect(KERAS_TUTORIAL_PADDINGS).to.deep.equal([
      { padding: 'valid', paddingMode: 'zeros' },
      { padding: 'same', paddingMode: 'zeros' },
      { padding: 'valid', paddingMode: 'zeros' },
    ]);
    expect(Object.isFrozen(KERAS_TUTORIAL_PADDINGS)).to.equal(true);
  });
  it('accepts a view into a larger buffer', () => {
    const file = tinyH5();
    const big = new Uint8Array(file.length + 10);
    big.set(file, 5);
    expect(parseKerasH5(big.subarray(5, 5 + file.length), { scale: 2 }).layers[2]!.bias[0]).to.equal(expected.layers[2]!.bias[0]);
  });

  describe('errors', () => {
    it('bad options are OptionErrors', () => {
      const opt = (o: unknown, re: RegExp) => expect(() => parseKerasH5(tinyH5(), o as KerasH5Options)).to.throw(OptionError, re);
      opt(undefined, /options \{ scale \} are required/);
      opt({}, /'scale' must be a positive integer/);
      opt({ scale: 1.5 }, /'scale'/);
      opt({ scale: 2, colour: 'rgb' }, /'colour'/);
      opt({ scale: 2, padding: [] }, /unknown option 'padding'/);
      opt({ scale: 2, paddings: [{ padding: 'same' }] }, /'paddings' has 1 entries, <h5> has 3 conv layers/);
      opt({ scale: 2, activations: ['relu'] }, /'activations' has 1 entries/);
      opt({ scale: 2, name: 3 }, /'name' must be a string/);
      opt({ scale: 2, paddings: ['same', 'same', 'same'] }, /'paddings' must be an array of/);
    });
    it('bad padding or activation values are WeightsErrors naming the layer', () => {
      expect(() => parseKerasH5(tinyH5(), { scale: 2, activations: ['relu', 'tanh' as 'relu', 'linear'] })).to.throw(WeightsError, /layers\.1\.activation/);
    });
    it('Theano-backend files and non-conv layers are refused', () => {
      const theano = new Uint8Array(readFileSync(join(dir, 'keras_theano_tiny.h5')));
      expect(() => parseKerasH5(theano, { scale: 2 }, 'th.h5')).to.throw(WeightsError, /^th\.h5: saved with the Theano backend/);
      const dense = new Uint8Array(readFileSync(join(dir, 'keras_dense_tiny.h5')));
      expect(() => parseKerasH5(dense, { scale: 2 }, 'd.h5')).to.throw(
        WeightsError,
        /layer 'dense_1' holds dense_1\/dense_1_W:0 \[2, 3\], dense_1\/dense_1_b:0 \[3\]; only Conv2D layers/,
      );
    });
    it('non-HDF5 bytes are a DecodeError naming the source', () => {
      for (const bytes of [new Uint8Array(0), new Uint8Array(100), new TextEncoder().encode('{"layers": []}'.repeat(20))]) {
        expect(() => parseKerasH5(bytes, { scale: 2 }, 'junk.h5')).to.throw(DecodeError, /^junk\.h5: /);
      }
    });
    it('every truncation is a DecodeError naming the source, never another exception', function () {
      this.timeout(120000);
      const file = tinyH5();
      for (let n = 0; n < file.length; n++) {
        let err: unknown;
        try {
          parseKerasH5(file.subarray(0, n), { scale: 2 }, 'cut.h5');
        } catch (e) {
          err = e;
        }
        expect(err, `truncated to ${n} bytes`).to.be.instanceOf(DecodeError);
        expect((err as DecodeError).source).to.equal('cut.h5');
      }
    });
    it('corrupt bytes give a result or an SrcnnError, never a raw jsfive exception', () => {
      // Single-byte corruptions of every other byte of the first 2000 (superblock, root group, object headers, heaps).
      // Not swept further: a corrupt attribute dataspace makes jsfive allocate whatever size it claims,
      // which can exhaust memory (a jsfive limitation, see keras_h5.ts).
      const file = tinyH5();
      const silence = [console.warn, console.log] as const;
      console.warn = () => {}; // jsfive warns about attributes it cannot decode
      console.log = () => {};
      const seen = new Set<string>();
      try {
        for (let p = 0; p < 2000; p += 2) {
          const bad = file.slice();
          bad[p] = bad[p] === 0xff ? 0 : 0xff;
          try {
            parseKerasH5(bad, { scale: 2 }, 'bad.h5');
            seen.add('ok');
          } catch (e) {
            expect(e, `byte ${p}`).to.be.instanceOf(SrcnnError);
            seen.add((e as SrcnnError).name);
          }
        }
      } finally {
        [console.warn, console.log] = silence;
      }
      expect(seen.has('DecodeError')).to.equal(true);
    });
    it('reads values from the data bytes: zeroing the stored last bias zeroes it in the result', () => {
      const file = tinyH5();
      const bias = new DataView(new Float32Array([expected.layers[2]!.bias[0]!]).buffer).getUint32(0, true);
      const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
      let at = -1;
      for (let p = 0; p + 4 <= file.length; p++) if (view.getUint32(p, true) === bias) at = p;
      expect(at).to.be.greaterThan(0);
      file.fill(0, at, at + 4);
      expect(parseKerasH5(file, { scale: 2 }).layers[2]!.bias[0]).to.equal(0);
    });
  });
});
