import { expect } from 'chai';
import fc from 'fast-check';
import { DecodeError, WeightsError } from '../../lib/errors.js';
import {
  decodeSafetensors,
  decodeSrcnnWeights,
  encodeSafetensors,
  encodeSrcnnWeights,
  type SafetensorsDtype,
  type SafetensorsTensor,
} from '../../lib/weights/safetensors.js';
import type { Activation, LayerSpec, SrcnnWeights } from '../../lib/weights/types.js';
import type { Padding, PaddingMode } from '../../lib/kernels/conv_info.js';
import { expectSameWeights } from '../helpers/weights_tiny.js';

const SIZES: Record<SafetensorsDtype, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};
const CTORS: Record<SafetensorsDtype, new (b: ArrayBuffer) => SafetensorsTensor['data']> = {
  BOOL: Uint8Array, U8: Uint8Array, I8: Int8Array, F8_E5M2: Uint8Array, F8_E4M3: Uint8Array,
  I16: Int16Array, U16: Uint16Array, F16: Uint16Array, BF16: Uint16Array,
  I32: Int32Array, U32: Uint32Array, F32: Float32Array, F64: Float64Array, I64: BigInt64Array, U64: BigUint64Array,
};

const bytesOf = (a: ArrayBufferView): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

/** A tensor with random bit patterns (NaN payloads, -0, denormals included). */
const tensorArb: fc.Arbitrary<SafetensorsTensor> = fc
  .record({
    dtype: fc.constantFrom(...(Object.keys(SIZES) as SafetensorsDtype[])),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
  })
  .chain(({ dtype, shape }) => {
    const n = shape.reduce((a, d) => a * d, 1);
    return fc.uint8Array({ minLength: n * SIZES[dtype], maxLength: n * SIZES[dtype] }).map(
      (bytes) => ({ dtype, shape, data: new CTORS[dtype](bytes.slice().buffer) }) as SafetensorsTensor,
    );
  });

const nameArb = fc.string({ unit: 'grapheme', maxLength: 8 }).filter((s) => s !== '__metadata__');

describe('safetensors properties', () => {
  it('decode(encode(tensors, metadata)) gives back every tensor and metadata exactly', () => {
    fc.assert(
      fc.property(
        fc.dictionary(nameArb, tensorArb, { maxKeys: 6 }),
        fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 10 }), { maxKeys: 4 }),
        (tensors, metadata) => {
          const bytes = encodeSafetensors(tensors, metadata);
          const back = decodeSafetensors(bytes);
          expect(Object.keys(back.tensors).sort()).to.deep.equal(Object.keys(tensors).sort());
          for (const name of Object.keys(tensors)) {
            const a = tensors[name]!;
            const b = back.tensors[name]!;
            expect(b.dtype).to.equal(a.dtype);
            expect(b.shape).to.deep.equal(a.shape);
            expect(b.data).to.be.instanceOf(CTORS[a.dtype]);
            expect(bytesOf(b.data)).to.deep.equal(bytesOf(a.data));
          }
          expect(back.metadata).to.deep.equal(metadata);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the data starts 8-byte aligned and every tensor at a multiple of its element size', () => {
    fc.assert(
      fc.property(fc.dictionary(nameArb, tensorArb, { maxKeys: 6 }), (tensors) => {
        const bytes = encodeSafetensors(tensors);
        const n = new DataView(bytes.buffer).getUint32(0, true);
        expect((8 + n) % 8).to.equal(0);
        const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: SafetensorsDtype; data_offsets: [number, number] }>;
        for (const e of Object.values(header)) expect(e.data_offsets[0] % SIZES[e.dtype]).to.equal(0);
      }),
      { numRuns: 200 },
    );
  });

  it('a corrupted byte anywhere gives a result or a DecodeError, never another exception', () => {
    const file = encodeSafetensors(
      { w: { dtype: 'F32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }, i: { dtype: 'I64', shape: [1], data: BigInt64Array.of(3n) } },
      { k: 'v' },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: file.length - 1 }), fc.integer({ min: 0, max: 255 }), (pos, value) => {
        const bad = file.slice();
        bad[pos] = value;
        try {
          decodeSafetensors(bad, 'x');
        } catch (e) {
          expect(e).to.be.instanceOf(DecodeError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

/** Random valid SRCNN-style chains: 1-4 layers, kernels 1-5, channels 1-5, finite float32 values. */
const srcnnArb: fc.Arbitrary<SrcnnWeights> = fc
  .array(
    fc.record({
      kh: fc.integer({ min: 1, max: 5 }),
      kw: fc.integer({ min: 1, max: 5 }),
      out: fc.integer({ min: 1, max: 5 }),
      padding: fc.constantFrom<Padding>('valid', 'same'),
      paddingMode: fc.constantFrom<PaddingMode>('zeros', 'replicate'),
      activation: fc.constantFrom<Activation>('relu', 'linear'),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .chain((ls) => {
    const specs: LayerSpec[] = [];
    let inC = 1;
    for (const l of ls) {
      specs.push({ kernel: [l.kh, l.kw], in: inC, out: l.out, padding: l.padding, paddingMode: l.paddingMode, activation: l.activation });
      inC = l.out;
    }
    const f32 = (n: number) => fc.float32Array({ noDefaultInfinity: true, noNaN: true, minLength: n, maxLength: n });
    const layers = fc.tuple(...specs.map((s) => fc.tuple(f32(s.out * s.in * s.kernel[0] * s.kernel[1]), f32(s.out))));
    const extra = fc.dictionary(
      fc.string({ maxLength: 6 }).filter((k) => !['format', 'layers', 'json_keys', 'architecture', 'scale', 'colour'].includes(k)),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 4 },
    );
    return fc.record({
      layers: layers.map((ps) => ps.map(([weights, bias], i) => ({ spec: specs[i]!, weights, bias }))),
      scale: fc.integer({ min: 1, max: 8 }),
      colour: fc.constantFrom('matlab-y' as const, 'opencv-y' as const),
      extra,
    });
  })
  .map(({ layers, scale, colour, extra }) => ({
    layers,
    meta: { ...(JSON.parse(JSON.stringify(extra)) as Record<string, unknown>), architecture: 'random', scale, colour },
  }));

describe('SRCNN safetensors properties', () => {
  it('decodeSrcnnWeights(encodeSrcnnWeights(w)) equals w (bit-exact values, typed meta)', () => {
    fc.assert(
      fc.property(srcnnArb, (w) => {
        expectSameWeights(decodeSrcnnWeights(encodeSrcnnWeights(w)), w);
      }),
      { numRuns: 200 },
    );
  });

  it('a NaN anywhere is a WeightsError naming that tensor and index', () => {
    fc.assert(
      fc.property(srcnnArb, fc.nat(), fc.boolean(), (w, pick, inBias) => {
        const bytes = encodeSrcnnWeights(w);
        const { tensors, metadata } = decodeSafetensors(bytes);
        const li = pick % w.layers.length;
        const name = `layers.${li}.${inBias ? 'bias' : 'weight'}`;
        const data = tensors[name]!.data as Float32Array;
        const k = pick % data.length;
        data[k] = NaN;
        expect(() => decodeSrcnnWeights(encodeSafetensors(tensors, metadata), 'p')).to.throw(
          WeightsError,
          new RegExp(`^p: ${name.replace(/\./g, '\\.')}\\[${k}\\] .* is NaN$`),
        );
      }),
      { numRuns: 100 },
    );
  });
});
