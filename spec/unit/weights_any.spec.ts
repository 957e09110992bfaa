import { expect } from 'chai';
import { decodeWeights, sniffWeightsFormat } from '../../lib/weights/any.js';
import { encodeSrcnnWeights } from '../../lib/weights/safetensors.js';
import { DecodeError } from '../../lib/errors.js';
import type { SrcnnWeights } from '../../lib/weights/types.js';

function tiny(): SrcnnWeights {
  return {
    layers: [{ spec: { kernel: [3, 3], in: 1, out: 2, padding: 'same', paddingMode: 'replicate', activation: 'relu' }, weights: new Float32Array(18).fill(0.5), bias: new Float32Array(2) },
      { spec: { kernel: [1, 1], in: 2, out: 1, padding: 'same', paddingMode: 'replicate', activation: 'linear' }, weights: new Float32Array(2).fill(1), bias: new Float32Array(1) }],
    meta: { architecture: '3-1', scale: 2, colour: 'matlab-y' },
  };
}

describe('weights format sniffing', () => {
  it('recognises safetensors, JSON and HDF5 signatures', () => {
    expect(sniffWeightsFormat(encodeSrcnnWeights(tiny()))).to.equal('safetensors');
    expect(sniffWeightsFormat(new TextEncoder().encode('  {"layers": []}'))).to.equal('reference-json');
    expect(sniffWeightsFormat(Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).to.equal('keras-h5');
    expect(sniffWeightsFormat(new Uint8Array([1, 2, 3]))).to.equal(null);
  });
  it('prefers safetensors when the header length bytes look like JSON (" {")', () => {
    // header length 0x7b20 = 31520: bytes 20 7b 00 .. then '{' at offset 8
    const n = 0x7b20;
    const bytes = new Uint8Array(8 + n);
    bytes[0] = 0x20;
    bytes[1] = 0x7b;
    bytes[8] = 0x7b;
    expect(sniffWeightsFormat(bytes)).to.equal('safetensors');
  });
  it('decodes safetensors round trip and rejects unknown bytes naming the source', () => {
    const w = decodeWeights(encodeSrcnnWeights(tiny()), 'tiny.safetensors');
    expect(w.layers[0]!.weights[3]).to.equal(0.5);
    expect(() => decodeWeights(new Uint8Array([1, 2, 3]), 'junk.bin')).to.throw(DecodeError, /junk\.bin/);
  });
  it('asks for the scale of a Keras file', () => {
    const h5 = Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
    expect(() => decodeWeights(h5, 'k.h5')).to.throw(DecodeError, /scale/);
  });
});

describe('decoding from a Node Buffer view', () => {
  it('copies tensors out of a pooled Buffer (Buffer#slice shares memory)', () => {
    const bytes = encodeSrcnnWeights(tiny());
    // A small Buffer.from() lands inside Node's shared 8 KB pool at a non-zero offset.
    Buffer.from([9, 9, 9]);
    const buf = Buffer.from(bytes);
    expect(buf.buffer.byteLength, 'the Buffer must be a view into a larger pool').to.be.greaterThan(buf.byteLength);
    const w = decodeWeights(buf, 'pooled');
    expect(Array.from(w.layers[0]!.weights)).to.deep.equal(Array(18).fill(0.5));
    expect(Array.from(w.layers[1]!.weights)).to.deep.equal([1, 1]);
  });
});
