/**
 * Parameter initialisation for SRCNN training.
 *
 * The paper (Dong et al., arXiv 1501.00092 v3, Sec. 4.1 / TPAMI 2016 Sec. 4.1): "The filter weights of
 * each layer are initialized by drawing randomly from a Gaussian distribution with zero mean and
 * standard deviation 0.001 (and 0 for biases)." That is the default here.
 *
 * Randomness is a seeded mulberry32 stream turned into normal deviates by the Box-Muller transform,
 * so a seed fixes every value on every platform (only `Math.log/sqrt/cos/sin` are involved, which
 * V8 and SpiderMonkey compute identically for these inputs; values are rounded to float32).
 */
import { ValueError } from '../errors.js';
import type { LayerSpec, LayerWeights } from '../weights/types.js';

/** Options of {@link initLayers}. */
export interface InitOptions {
  /**
   * Standard deviation of the Gaussian weights: one value for every layer, or one per layer.
   * @defaultValue 0.001 (the paper)
   */
  std?: number | readonly number[];
  /** Seed of the generator (any uint32). @defaultValue 0 */
  seed?: number;
}

/** The paper's weight standard deviation. */
export const PAPER_INIT_STD = 0.001;

/** A seeded stream of standard normal deviates: mulberry32 uniforms through Box-Muller. */
export class GaussianStream {
  private state: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Next uniform in (0, 1) (never 0, so the logarithm below is finite). */
  private uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  }

  /** Next N(0, 1) deviate. */
  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const a = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(a);
    this.hasSpare = true;
    return r * Math.cos(a);
  }

  /** Fills `out` with N(0, std^2) deviates (rounded to float32) and returns it. */
  fill(out: Float32Array, std: number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = std * this.next();
    return out;
  }
}

/**
 * Fresh parameters for `specs`: Gaussian weights (zero mean, `std`), zero biases. Layers draw from one
 * stream in order (layer 0's weights first), so the same seed and specs always give the same values.
 * @throws ValueError for a negative or non-finite std, or a per-layer std list of the wrong length.
 */
export function initLayers(specs: readonly LayerSpec[], opts: InitOptions = {}): LayerWeights[] {
  const stds = opts.std ?? PAPER_INIT_STD;
  if (Array.isArray(stds) && stds.length !== specs.length) {
    throw new ValueError(`initLayers: ${specs.length} layers but ${stds.length} std values`);
  }
  const g = new GaussianStream(opts.seed ?? 0);
  return specs.map((spec, i) => {
    const std = typeof stds === 'number' ? stds : (stds as readonly number[])[i]!;
    if (!Number.isFinite(std) || std < 0) throw new ValueError(`initLayers: std must be finite and >= 0, got ${std} for layer ${i}`);
    const n = spec.out * spec.in * spec.kernel[0] * spec.kernel[1];
    return { spec: { ...spec, kernel: [spec.kernel[0], spec.kernel[1]] }, weights: g.fill(new Float32Array(n), std), bias: new Float32Array(spec.out) };
  });
}
