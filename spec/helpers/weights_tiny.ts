/** Small hand-made SrcnnWeights for the weights specs. */
import { expect } from 'chai';
import type { LayerSpec, SrcnnWeights } from '../../lib/weights/types.js';

/** Deterministic distinct values: k-th value is (k + 1) / 64 with alternating sign (exact in float32). */
export function ramp(n: number, start = 0): Float32Array {
  const a = new Float32Array(n);
  for (let k = 0; k < n; k++) a[k] = ((start + k + 1) / 64) * (k % 2 === 0 ? 1 : -1);
  return a;
}

/** A 3-layer 3-1-3 network, 1 -> 4 -> 2 -> 1 channels, same/replicate like the authors' models. */
export function tinyWeights(): SrcnnWeights {
  const specs: LayerSpec[] = [
    { kernel: [3, 3], in: 1, out: 4, padding: 'same', paddingMode: 'replicate', activation: 'relu' },
    { kernel: [1, 1], in: 4, out: 2, padding: 'same', paddingMode: 'replicate', activation: 'relu' },
    { kernel: [3, 3], in: 2, out: 1, padding: 'valid', paddingMode: 'zeros', activation: 'linear' },
  ];
  let k = 0;
  const layers = specs.map((spec) => {
    const n = spec.out * spec.in * spec.kernel[0] * spec.kernel[1];
    const weights = ramp(n, k);
    k += n;
    const bias = ramp(spec.out, k);
    k += spec.out;
    return { spec, weights, bias };
  });
  return { layers, meta: { architecture: '3-1-3', scale: 3, colour: 'matlab-y', name: 'tiny' } };
}

/** Asserts two networks have identical specs, bit-identical float32 values and deep-equal meta. */
export function expectSameWeights(actual: SrcnnWeights, expected: SrcnnWeights): void {
  expect(actual.layers.length).to.equal(expected.layers.length);
  actual.layers.forEach((l, i) => {
    const e = expected.layers[i]!;
    expect(l.spec, `layers.${i}.spec`).to.deep.equal(e.spec);
    expect(l.weights, `layers.${i}.weight`).to.be.instanceOf(Float32Array);
    expect(bits(l.weights), `layers.${i}.weight`).to.deep.equal(bits(e.weights));
    expect(bits(l.bias), `layers.${i}.bias`).to.deep.equal(bits(e.bias));
  });
  expect(actual.meta).to.deep.equal(expected.meta);
}

/** The IEEE bit patterns of a Float32Array, for exact comparisons (tells -0 from 0). */
export function bits(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}
