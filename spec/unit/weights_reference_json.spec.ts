import { expect } from 'chai';
import { DecodeError, WeightsError } from '../../lib/errors.js';
import { hwioToOihw } from '../../lib/weights/layout.js';
import { parseReferenceJson } from '../../lib/weights/reference_json.js';
import { architectureOf, validateWeights, type SrcnnWeights } from '../../lib/weights/types.js';
import { bits, tinyWeights } from '../helpers/weights_tiny.js';

/** A 2-layer document in the shared/reference-weights layout; `edit` tweaks it before serializing. */
function doc(edit: (d: Record<string, any>) => void = () => {}): string {
  const d: Record<string, any> = {
    name: 'unit',
    source: 'hand-made',
    scale: 2,
    input: 'Y/255',
    color: 'Y of MATLAB rgb2ycbcr (BT.601 studio range, 16..235)',
    convention: 'cross-correlation',
    layers: [
      { kernel: [3, 2], in: 1, out: 2, padding: 'same', padding_mode: 'replicate', activation: 'relu', weights_layout: 'OIHW',
        weights: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], bias: [0.5, -0.5] },
      { kernel: [1, 1], in: 2, out: 1, padding: 'valid', activation: 'linear', weights_layout: 'OIHW', weights: [0.25, 0.1], bias: [0.1] },
    ],
  };
  edit(d);
  return JSON.stringify(d);
}

describe('parseReferenceJson', () => {
  it('builds OIHW float32 layers and meta', () => {
    const w = parseReferenceJson(doc(), 'unit.json');
    expect(w.layers.map((l) => l.spec)).to.deep.equal([
      { kernel: [3, 2], in: 1, out: 2, padding: 'same', paddingMode: 'replicate', activation: 'relu' },
      { kernel: [1, 1], in: 2, out: 1, padding: 'valid', paddingMode: 'zeros', activation: 'linear' },
    ]);
    expect(Array.from(w.layers[0]!.weights)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(w.layers[1]!.weights).to.be.instanceOf(Float32Array);
    expect(Array.from(w.layers[1]!.weights)).to.deep.equal([0.25, Math.fround(0.1)]);
    expect(w.meta).to.deep.equal({
      name: 'unit',
      source: 'hand-made',
      input: 'Y/255',
      convention: 'cross-correlation',
      architecture: '3x2-1',
      scale: 2,
      colour: 'matlab-y',
      colourDescription: 'Y of MATLAB rgb2ycbcr (BT.601 studio range, 16..235)',
    });
  });
  it("reads 'same' without padding_mode as zero padding", () => {
    const w = parseReferenceJson(doc((d) => delete d.layers[0].padding_mode));
    expect(w.layers[0]!.spec.paddingMode).to.equal('zeros');
  });
  it('transposes HWIO to OIHW without flipping', () => {
    // HWIO [kh=3, kw=2, in=1, out=2]: value 100*o + 10*r + c, so OIHW order reads it back directly.
    const hwio: number[] = [];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 2; c++) for (let o = 0; o < 2; o++) hwio.push(100 * o + 10 * r + c);
    const w = parseReferenceJson(doc((d) => ((d.layers[0].weights_layout = 'HWIO'), (d.layers[0].weights = hwio))));
    expect(Array.from(w.layers[0]!.weights)).to.deep.equal([0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121]);
  });
  it('maps the colour text and Keras provenance', () => {
    const k = parseReferenceJson(
      doc((d) => {
        d.color = 'Y of OpenCV COLOR_BGR2YCrCb (full range 0..255)';
        d.source = 'MarkPrecursor/SRCNN-keras:x.h5';
      }),
    );
    expect([k.meta.colour, k.meta.architecture]).to.deep.equal(['opencv-y', 'keras-3x2-1']);
    const explicit = parseReferenceJson(doc((d) => ((d.colour = 'opencv-y'), (d.architecture = 'custom'))));
    expect([explicit.meta.colour, explicit.meta.architecture]).to.deep.equal(['opencv-y', 'custom']);
  });

  describe('errors', () => {
    const bad = (text: string, re: RegExp) => expect(() => parseReferenceJson(text, 'x.json')).to.throw(WeightsError, re);
    it('non-JSON is a DecodeError naming the source', () => {
      expect(() => parseReferenceJson('{"layers": [', 'x.json')).to.throw(DecodeError, /^x\.json: not valid JSON/);
      expect(() => parseReferenceJson('[1]', 'x.json')).to.throw(DecodeError, /not an object/);
    });
    it('missing or invalid fields name the layer and field', () => {
      bad(doc((d) => delete d.layers), /'layers' must be a non-empty array/);
      bad(doc((d) => (d.layers[1] = 3)), /layers\[1\] is not an object/);
      bad(doc((d) => (d.layers[0].kernel = [3])), /layers\[0\]\.kernel/);
      bad(doc((d) => (d.layers[1].in = 0)), /layers\[1\]\.in must be a positive integer/);
      bad(doc((d) => (d.layers[1].out = 1.5)), /layers\[1\]\.out/);
      bad(doc((d) => (d.layers[0].padding = 'full')), /layers\[0\]\.padding must be 'valid' or 'same', got "full"/);
      bad(doc((d) => (d.layers[0].padding_mode = 'reflect')), /layers\[0\]\.padding_mode/);
      bad(doc((d) => (d.layers[1].activation = 'tanh')), /layers\[1\]\.activation/);
      bad(doc((d) => delete d.layers[1].weights_layout), /layers\[1\]\.weights_layout must be 'OIHW' or 'HWIO', got undefined/);
      bad(doc((d) => delete d.scale), /'scale' must be a positive integer/);
      bad(doc((d) => (d.colour = 'rgb')), /'colour' must be/);
      bad(doc((d) => (d.architecture = 955)), /meta\.architecture must be a non-empty string, got 955/);
      bad(doc((d) => (d.color = 'Y of something')), /cannot tell the colour convention/);
    });
    it('weight counts, non-numbers, chain and overflow name the tensor', () => {
      bad(doc((d) => d.layers[0].weights.pop()), /layers\[0\]\.weights has 11 values, shape \[2, 1, 3, 2\] needs 12/);
      bad(doc((d) => d.layers[1].bias.push(1)), /layers\[1\]\.bias has 2 values/);
      bad(doc((d) => (d.layers[0].weights[4] = '5')), /layers\[0\]\.weights\[4\] is not a number/);
      bad(doc((d) => ((d.layers[1].in = 3), (d.layers[1].weights = [1, 2, 3]))), /layers\.0 outputs 2 channels but layers\.1 expects 3/);
      // 1e39 is finite in float64 but overflows float32.
      expect(() => parseReferenceJson(doc((d) => (d.layers[0].weights[7] = 1e39)), 'x.json')).to.throw(
        WeightsError,
        /x\.json: layers\.0\.weight\[7\] \(index \[1, 0, 0, 1\] of \[2, 1, 3, 2\]\) is Infinity/,
      );
    });
  });
});

describe('hwioToOihw', () => {
  it('moves element (r, c, i, o) to (o, i, r, c)', () => {
    const kh = 2, kw = 3, inC = 2, out = 4;
    const hwio = new Float32Array(kh * kw * inC * out);
    for (let r = 0; r < kh; r++) for (let c = 0; c < kw; c++) for (let i = 0; i < inC; i++) for (let o = 0; o < out; o++) {
      hwio[((r * kw + c) * inC + i) * out + o] = 1000 * o + 100 * i + 10 * r + c;
    }
    const oihw = hwioToOihw(hwio, kh, kw, inC, out);
    for (let o = 0; o < out; o++) for (let i = 0; i < inC; i++) for (let r = 0; r < kh; r++) for (let c = 0; c < kw; c++) {
      expect(oihw[((o * inC + i) * kh + r) * kw + c]).to.equal(1000 * o + 100 * i + 10 * r + c);
    }
  });
  it('rejects a wrong length', () => {
    expect(() => hwioToOihw(new Float32Array(5), 1, 2, 3, 1)).to.throw(WeightsError, /5 values, HWIO shape \[1, 2, 3, 1\] needs 6/);
  });
});

describe('validateWeights', () => {
  const bad = (edit: (w: SrcnnWeights) => void, re: RegExp) => {
    const w = tinyWeights();
    edit(w);
    expect(() => validateWeights(w, 'here')).to.throw(WeightsError, re);
  };
  it('returns valid weights unchanged', () => {
    const w = tinyWeights();
    const before = w.layers.map((l) => bits(l.weights));
    expect(validateWeights(w, 'here')).to.equal(w);
    expect(w.layers.map((l) => bits(l.weights))).to.deep.equal(before);
  });
  it('names the layer, tensor and index of bad values', () => {
    bad((w) => (w.layers[0]!.weights[10] = NaN), /^here: layers\.0\.weight\[10\] \(index \[1, 0, 0, 1\] of \[4, 1, 3, 3\]\) is NaN$/);
    bad((w) => (w.layers[2]!.bias[0] = Infinity), /^here: layers\.2\.bias\[0\] .* is Infinity$/);
  });
  it('checks lengths, types, chain and specs', () => {
    bad((w) => (w.layers = []), /no layers/);
    bad((w) => (w.layers[1]!.weights = new Float32Array(7)), /layers\.1\.weight has 7 values, shape \[2, 4, 1, 1\] needs 8/);
    bad((w) => (w.layers[1]!.bias = new Float32Array(3)), /layers\.1\.bias has 3 values/);
    bad((w) => (w.layers[0]!.weights = Array.from(w.layers[0]!.weights) as unknown as Float32Array), /layers\.0\.weight must be a Float32Array/);
    bad((w) => (w.layers[2]!.spec.in = 3), /layers\.1 outputs 2 channels but layers\.2 expects 3/);
    bad((w) => (w.layers[0]!.spec.kernel = [0, 3]), /layers\.0\.kernel must be two positive integers/);
    bad((w) => (w.layers[0]!.spec.out = 2.5), /layers\.0\.out must be a positive integer/);
    bad((w) => (w.layers[0]!.spec.in = -1), /layers\.0\.in/);
    bad((w) => ((w.layers[0]!.spec as { padding: string }).padding = 'full'), /layers\.0\.padding/);
    bad((w) => ((w.layers[0]!.spec as { paddingMode: string }).paddingMode = 'reflect'), /layers\.0\.paddingMode/);
    bad((w) => ((w.layers[0]!.spec as { activation: string }).activation = 'tanh'), /layers\.0\.activation/);
  });
  it('checks meta', () => {
    bad((w) => (w.meta.scale = 0), /meta\.scale must be a positive integer/);
    bad((w) => (w.meta.architecture = ''), /meta\.architecture/);
    bad((w) => ((w.meta as { colour: string }).colour = 'ycbcr'), /meta\.colour/);
  });
});

describe('architectureOf', () => {
  it('joins kernel sides', () => {
    expect(architectureOf(tinyWeights().layers.map((l) => l.spec))).to.equal('3-1-3');
  });
});
