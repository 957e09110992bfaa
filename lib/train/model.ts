/**
 * The networks a training run uses. Training runs the architecture with every layer 'valid' (the
 * paper: a 33x33 sub-image gives a 21x21 output for 9-1-5), so no padded border pixel ever
 * contributes to the loss; validation and the shipped weights run the same parameters with 'same'
 * 'replicate' padding (MATLAB `imfilter(..., 'same', 'replicate')`, as `SRCNN.m`).
 */
import type { Backend } from '../backend/backend.js';
import { ValueError } from '../errors.js';
import { initLayers, type InitOptions } from '../nn/init.js';
import { Sequential } from '../nn/sequential.js';
import type { LayerSpec, LayerWeights } from '../weights/types.js';
import type { LrMultipliers } from './optimizers.js';
import { validMargin } from './data.js';

/** `specs` with every layer 'valid' (padding mode 'zeros', which 'valid' ignores). */
export function validSpecs(specs: readonly LayerSpec[]): LayerSpec[] {
  return specs.map((s) => ({ ...s, kernel: [s.kernel[0], s.kernel[1]], padding: 'valid', paddingMode: 'zeros' }));
}

/** `specs` with every layer 'same' + 'replicate' (the authors' test-time network). */
export function sameReplicateSpecs(specs: readonly LayerSpec[]): LayerSpec[] {
  return specs.map((s) => ({ ...s, kernel: [s.kernel[0], s.kernel[1]], padding: 'same', paddingMode: 'replicate' }));
}

/** Border lost per side by the 'valid' version of `specs` (square odd kernels). */
export function specsMargin(specs: readonly LayerSpec[]): number {
  for (const s of specs) {
    if (s.kernel[0] !== s.kernel[1]) throw new ValueError(`training needs square kernels, got ${s.kernel[0]}x${s.kernel[1]}`);
  }
  return validMargin(specs.map((s) => s.kernel[0]));
}

/**
 * He (Kaiming) normal standard deviations `sqrt(2 / fan_in)` per layer, with the last (linear) layer
 * at `sqrt(1 / fan_in)`; an alternative to the paper's 0.001 that starts Adam far faster.
 */
export function heStd(specs: readonly LayerSpec[]): number[] {
  return specs.map((s, i) => Math.sqrt((i === specs.length - 1 ? 1 : 2) / (s.in * s.kernel[0] * s.kernel[1])));
}

/** Starting parameters of one layer (e.g. another scale's weights, to fine-tune from). */
export interface InitialLayer {
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

/**
 * The training ('valid') network for `specs`: fresh parameters from {@link initLayers}, or copies of
 * `layers` (one per spec, OIHW as in {@link LayerWeights}).
 */
export function createTrainingNet(specs: readonly LayerSpec[], backend: Backend, init: InitOptions | readonly InitialLayer[]): Sequential {
  const valid = validSpecs(specs);
  const layers: LayerWeights[] = Array.isArray(init)
    ? (init as readonly InitialLayer[]).map((l, i) => ({ spec: valid[i]!, weights: l.weights, bias: l.bias }))
    : initLayers(valid, init as InitOptions);
  if (layers.length !== valid.length) throw new ValueError(`createTrainingNet: ${layers.length} initial layers for a ${valid.length}-layer architecture`);
  return new Sequential(layers, backend);
}

/** A 'same'/'replicate' network with the current parameters of `net`. */
export function createInferenceNet(net: Sequential, backend: Backend): Sequential {
  const specs = sameReplicateSpecs(net.specs());
  const layers = net.toWeights({ architecture: net.architecture(), scale: 1, colour: 'matlab-y' }).layers;
  return new Sequential(layers.map((l, i) => ({ ...l, spec: specs[i]! })), backend);
}

/** Copies every parameter of `src` into the same-named parameter of `dst` (same architecture). */
export function copyParams(dst: Sequential, src: Sequential): void {
  const from = new Map(src.params().map((p) => [p.name, p.value]));
  for (const p of dst.params()) {
    const v = from.get(p.name);
    if (!v || v.length !== p.value.length) throw new ValueError(`copyParams: parameter '${p.name}' is missing or differs in size`);
    p.value.set(v);
  }
}

/** The paper's learning-rate ratio: the last layer 10x slower than the others (1e-5 vs 1e-4). */
export function paperLrMultipliers(specs: readonly LayerSpec[]): LrMultipliers {
  const last = specs.length - 1;
  return { [`layers.${last}.weight`]: 0.1, [`layers.${last}.bias`]: 0.1 };
}
