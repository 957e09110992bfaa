/** Small SRCNN-shaped networks whose output is close to their input, for pipeline tests. */
import { GaussianStream, initLayers } from '../../lib/nn/init.js';
import type { ColourConvention, LayerSpec, SrcnnWeights } from '../../lib/weights/types.js';

const L = (k: number, cin: number, cout: number, padding: 'valid' | 'same', paddingMode: 'zeros' | 'replicate', relu = true): LayerSpec =>
  ({ kernel: [k, k], in: cin, out: cout, padding, paddingMode, activation: relu ? 'relu' : 'linear' });

/** A 'same' replicate network (halo 3, as the authors' layout) and a Keras-like 'valid' one (margin 3, halo 1). */
export const TEST_NETS: Record<string, LayerSpec[]> = {
  'same 5-1-3 replicate': [L(5, 1, 4, 'same', 'replicate'), L(1, 4, 2, 'same', 'replicate'), L(3, 2, 1, 'same', 'replicate', false)],
  'valid 5 / same-zeros 3 / valid 3': [L(5, 1, 3, 'valid', 'zeros'), L(3, 3, 2, 'same', 'zeros'), L(3, 2, 1, 'valid', 'zeros', false)],
};

/**
 * Seeded weights for `specs`: Gaussian noise (std 0.01, biases 0.005) plus 1 on the centre tap from
 * channel 0 to channel 0 of every layer, so the output is the input plus a few grey levels of
 * texture-dependent change (values land between quantisation steps and rarely clip).
 */
export function nearIdentityWeights(specs: LayerSpec[], seed: number, colour: ColourConvention, scale: number): SrcnnWeights {
  const layers = initLayers(specs, { seed: seed >>> 0, std: 0.01 });
  const g = new GaussianStream((seed ^ 0x9e3779b9) >>> 0);
  for (const l of layers) {
    const [kh, kw] = l.spec.kernel;
    l.weights[Math.floor(kh / 2) * kw + Math.floor(kw / 2)]! += 1;
    g.fill(l.bias, 0.005);
  }
  return { layers, meta: { architecture: 'test', scale, colour } };
}
