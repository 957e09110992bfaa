/**
 * The networks, weights and inputs every engine of the peer benchmark runs: the same random weights
 * (fixed seeds) and the same input in each, so outputs can be compared before anything is timed.
 *
 * - '9-1-5' and '9-5-5': the paper's networks (64/32 filters) with every layer 'same'. The authors'
 *   borders are replicate, but ONNX Conv and tfjs pad with zeros only, so the benchmark uses zero
 *   padding everywhere (the same work; srcnn-ts's replicate padding costs the same copy).
 * - 'keras-9-3-5': 9x9 1->128 valid, 3x3 128->64 same (zeros), 5x5 64->1 valid.
 */
import { architecture } from '../../lib/model/architectures.js';
import { convInfo, convMacs } from '../../lib/kernels/conv_info.js';
import type { LayerSpec, LayerWeights } from '../../lib/weights/types.js';
import { lcgFloat32 } from '../data.js';

/** Model names in table order. */
export const PEER_MODELS = ['9-1-5', '9-5-5', 'keras-9-3-5'] as const;
export type PeerModel = (typeof PEER_MODELS)[number];

/** One benchmark case: a network with weights on an h x w input plane (batch 1, 1 channel). */
export interface PeerCase {
  model: PeerModel;
  h: number;
  w: number;
  layers: LayerWeights[];
  /** The input plane, values in [0, 1) (Y/255). */
  x: Float32Array;
  /** Output size (smaller than the input for 'valid' layers). */
  outH: number;
  outW: number;
  /** Exact multiply-adds of one forward pass (a 'valid' layer counts only its output pixels). */
  macs: number;
}

/** Layer specs of `model` with zero 'same' padding (see the module doc). */
export function peerSpecs(model: PeerModel): LayerSpec[] {
  return architecture(model, { paddingMode: 'zeros' });
}

/**
 * The case `model` on a `size` x `size` plane. Weights are uniform with the He variance
 * (2 / fan-in, so activations keep their scale through the ReLUs), biases uniform in ±0.01; seeds
 * depend only on the layer index, so every size shares the weights.
 */
export function peerCase(model: PeerModel, size: number): PeerCase {
  const specs = peerSpecs(model);
  const layers = specs.map((spec, i): LayerWeights => {
    const fanIn = spec.in * spec.kernel[0] * spec.kernel[1];
    return { spec, weights: lcgFloat32(spec.out * fanIn, 100 + i, Math.sqrt(6 / fanIn)), bias: lcgFloat32(spec.out, 200 + i, 0.01) };
  });
  const x = lcgFloat32(size * size, 7, 0.5).map((v) => v + 0.5);
  let [h, w, macs] = [size, size, 0];
  for (const s of specs) {
    const info = convInfo([1, s.in, h, w], [s.out, s.in, s.kernel[0], s.kernel[1]], s.padding, s.paddingMode);
    macs += convMacs(info);
    [h, w] = [info.outH, info.outW];
  }
  return { model, h: size, w: size, layers, x, outH: h, outW: w, macs };
}

/** OIHW weights as HWIO (the tfjs filter layout). */
export function toHwio(l: LayerWeights): Float32Array {
  const { in: cin, out, kernel: [kh, kw] } = l.spec;
  const src = l.weights;
  const dst = new Float32Array(src.length);
  for (let o = 0; o < out; o++) {
    for (let c = 0; c < cin; c++) {
      for (let r = 0; r < kh; r++) {
        for (let s = 0; s < kw; s++) dst[((r * kw + s) * cin + c) * out + o] = src[((o * cin + c) * kh + r) * kw + s]!;
      }
    }
  }
  return dst;
}

/** Largest |a[i] - b[i]| (Infinity when the lengths differ, NaN when either holds a NaN). */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(d)) return NaN;
    if (d > m) m = d;
  }
  return m;
}
