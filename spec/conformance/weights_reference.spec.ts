/**
 * The importers against the reference weights in ../shared/reference-weights (read at run time, never
 * copied): every neutral JSON parses with the documented shapes and conventions, the Keras .h5 read
 * through jsfive equals its JSON copy exactly, and every model survives the safetensors round trip
 * bit for bit.
 */
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DecodeError } from '../../lib/errors.js';
import { parseKerasH5 } from '../../lib/weights/keras_h5.js';
import { parseReferenceJson } from '../../lib/weights/reference_json.js';
import { decodeSrcnnWeights, encodeSrcnnWeights } from '../../lib/weights/safetensors.js';
import type { SrcnnWeights } from '../../lib/weights/types.js';
import { hasShared, sharedDir } from '../helpers/paths.js';
import { bits, expectSameWeights } from '../helpers/weights_tiny.js';

const refDir = join(sharedDir, 'reference-weights');

/** Expected OIHW shapes, scale, colour and architecture per folder (from the folder READMEs). */
const EXPECTED: Record<string, { arch: string; scale: number; colour: string; shapes: number[][]; padding: string[] }> = {
  srcnn_955_imagenet_x2: { arch: '9-5-5', scale: 2, colour: 'matlab-y', shapes: [[64, 1, 9, 9], [32, 64, 5, 5], [1, 32, 5, 5]], padding: ['same/replicate', 'same/replicate', 'same/replicate'] },
  srcnn_955_imagenet_x3: { arch: '9-5-5', scale: 3, colour: 'matlab-y', shapes: [[64, 1, 9, 9], [32, 64, 5, 5], [1, 32, 5, 5]], padding: ['same/replicate', 'same/replicate', 'same/replicate'] },
  srcnn_955_imagenet_x4: { arch: '9-5-5', scale: 4, colour: 'matlab-y', shapes: [[64, 1, 9, 9], [32, 64, 5, 5], [1, 32, 5, 5]], padding: ['same/replicate', 'same/replicate', 'same/replicate'] },
  srcnn_935_imagenet_x3: { arch: '9-3-5', scale: 3, colour: 'matlab-y', shapes: [[64, 1, 9, 9], [32, 64, 3, 3], [1, 32, 5, 5]], padding: ['same/replicate', 'same/replicate', 'same/replicate'] },
  srcnn_915_imagenet_x3: { arch: '9-1-5', scale: 3, colour: 'matlab-y', shapes: [[64, 1, 9, 9], [32, 64, 1, 1], [1, 32, 5, 5]], padding: ['same/replicate', 'same/replicate', 'same/replicate'] },
  srcnn_915_91img_x2: { arch: '9-1-5', scale: 2, colour: 'matlab-y', shapes: [[64, 1, 9, 9], [32, 64, 1, 1], [1, 32, 5, 5]], padding: ['same/replicate', 'same/replicate', 'same/replicate'] },
  srcnn_915_91img_x3: { arch: '9-1-5', scale: 3, colour: 'matlab-y', shapes: [[64, 1, 9, 9], [32, 64, 1, 1], [1, 32, 5, 5]], padding: ['same/replicate', 'same/replicate', 'same/replicate'] },
  srcnn_915_91img_x4: { arch: '9-1-5', scale: 4, colour: 'matlab-y', shapes: [[64, 1, 9, 9], [32, 64, 1, 1], [1, 32, 5, 5]], padding: ['same/replicate', 'same/replicate', 'same/replicate'] },
  keras_3051crop_weight_200: { arch: 'keras-9-3-5', scale: 2, colour: 'opencv-y', shapes: [[128, 1, 9, 9], [64, 128, 3, 3], [1, 64, 5, 5]], padding: ['valid/zeros', 'same/zeros', 'valid/zeros'] },
};

(hasShared ? describe : describe.skip)('reference weights (../shared/reference-weights)', () => {
  const folders = hasShared ? readdirSync(refDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];
  const parsed = new Map<string, SrcnnWeights>();
  const load = (folder: string): SrcnnWeights => {
    let w = parsed.get(folder);
    if (w === undefined) {
      const file = readdirSync(join(refDir, folder)).find((f) => f.endsWith('.json') && !f.startsWith('golden_patch'))!;
      w = parseReferenceJson(readFileSync(join(refDir, folder, file), 'utf8'), file);
      parsed.set(folder, w);
    }
    return w;
  };

  it('every folder is covered by this spec', () => {
    expect(folders).to.deep.equal(Object.keys(EXPECTED).sort());
  });

  for (const folder of Object.keys(EXPECTED)) {
    const e = EXPECTED[folder]!;
    it(`${folder}: OIHW shapes ${e.shapes.map((s) => `[${s.join(',')}]`).join(' ')}, ${e.arch}, x${e.scale}, ${e.colour}`, () => {
      const w = load(folder);
      expect(w.layers.map((l) => [l.spec.out, l.spec.in, ...l.spec.kernel])).to.deep.equal(e.shapes);
      expect(w.layers.map((l) => l.weights.length)).to.deep.equal(e.shapes.map((s) => s.reduce((a, d) => a * d, 1)));
      expect(w.layers.map((l) => l.bias.length)).to.deep.equal(e.shapes.map((s) => s[0]));
      expect(w.layers.map((l) => `${l.spec.padding}/${l.spec.paddingMode}`)).to.deep.equal(e.padding);
      expect(w.layers.map((l) => l.spec.activation)).to.deep.equal(['relu', 'relu', 'linear']);
      expect([w.meta.architecture, w.meta.scale, w.meta.colour, w.meta.name]).to.deep.equal([e.arch, e.scale, e.colour, folder]);
    });
    it(`${folder}: the JSON values are kept as float32 (weights[0] = fround of the JSON number)`, () => {
      const file = readdirSync(join(refDir, folder)).find((f) => f.endsWith('.json') && !f.startsWith('golden_patch'))!;
      const raw = JSON.parse(readFileSync(join(refDir, folder, file), 'utf8')) as { layers: { weights: number[]; bias: number[] }[] };
      const w = load(folder);
      raw.layers.forEach((l, i) => {
        const k = l.weights.length - 1;
        expect(w.layers[i]!.weights[0]).to.equal(Math.fround(l.weights[0]!));
        expect(w.layers[i]!.weights[k]).to.equal(Math.fround(l.weights[k]!));
        expect(w.layers[i]!.bias[0]).to.equal(Math.fround(l.bias[0]!));
      });
    });
    it(`${folder}: safetensors round trip is bit-exact`, () => {
      const w = load(folder);
      const bytes = encodeSrcnnWeights(w);
      const params = e.shapes.reduce((a, s) => a + s.reduce((x, d) => x * d, 1) + s[0]!, 0);
      expect(bytes.length).to.be.within(params * 4, params * 4 + 4096);
      expectSameWeights(decodeSrcnnWeights(bytes, `${folder}.safetensors`), w);
    });
  }

  describe('keras_3051crop_weight_200.h5', () => {
    const dir = join(refDir, 'keras_3051crop_weight_200');
    const h5 = () => new Uint8Array(readFileSync(join(dir, '3051crop_weight_200.h5')));

    it('equals the JSON copy exactly (float32 bits): HWIO -> OIHW is a transpose, no flip', () => {
      const fromH5 = parseKerasH5(h5(), { scale: 2 }, '3051crop_weight_200.h5');
      const fromJson = load('keras_3051crop_weight_200');
      expect(fromH5.layers.map((l) => l.spec)).to.deep.equal(fromJson.layers.map((l) => l.spec));
      fromH5.layers.forEach((l, i) => {
        expect(bits(l.weights), `layers.${i}.weight`).to.deep.equal(bits(fromJson.layers[i]!.weights));
        expect(bits(l.bias), `layers.${i}.bias`).to.deep.equal(bits(fromJson.layers[i]!.bias));
      });
      expect([fromH5.meta.architecture, fromH5.meta.scale, fromH5.meta.colour]).to.deep.equal(['keras-9-3-5', 2, 'opencv-y']);
      expect(fromH5.meta.kerasLayers).to.deep.equal(['convolution2d_1', 'convolution2d_2', 'convolution2d_3']);
    });
    it('a flipped or transposed reading would differ (the comparison above can fail)', () => {
      const w = load('keras_3051crop_weight_200').layers[0]!;
      const flipped = new Float32Array(w.weights.length);
      const transposed = new Float32Array(w.weights.length);
      for (let o = 0; o < 128; o++) {
        for (let r = 0; r < 9; r++) {
          for (let c = 0; c < 9; c++) {
            flipped[o * 81 + r * 9 + c] = w.weights[o * 81 + (8 - r) * 9 + (8 - c)]!;
            transposed[o * 81 + r * 9 + c] = w.weights[o * 81 + c * 9 + r]!;
          }
        }
      }
      expect(bits(flipped)).to.not.deep.equal(bits(w.weights));
      expect(bits(transposed)).to.not.deep.equal(bits(w.weights));
    });
    it('is a DecodeError when truncated anywhere (sampled offsets)', () => {
      const file = h5();
      for (let n = 0; n < file.length; n += 997) {
        expect(() => parseKerasH5(file.subarray(0, n), { scale: 2 }, 'cut.h5'), `${n} bytes`).to.throw(DecodeError, /^cut\.h5: /);
      }
      expect(() => parseKerasH5(file.subarray(0, file.length - 1), { scale: 2 }, 'cut.h5')).to.throw(DecodeError, /truncated HDF5 file/);
    });
  });
});
