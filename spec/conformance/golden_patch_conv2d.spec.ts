/**
 * Golden patches from ../shared/reference-weights at the kernel level: a bare 3-layer stack of the
 * conv2d kernel (no model, pipeline or backend code) must reproduce the float64 reference output of
 * each patch (see the READMEs there: authors' 9-5-5 x3 with 'same' replicate padding on every layer;
 * Keras 9-3-5 x2 with valid / same-zeros / valid). Flipped or transposed kernels move the output by
 * 0.05-0.09, which whole-image PSNR hardly shows; the tolerance here is ~1000x smaller.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convInfo, type PaddingMode } from '../../lib/kernels/conv_info.js';
import { conv2d } from '../../lib/kernels/conv2d.js';
import { hasShared, sharedDir } from '../helpers/paths.js';
import { maxAbsDiff } from '../helpers/kernel_data.js';

interface JsonLayer {
  kernel: [number, number];
  in: number;
  out: number;
  padding: 'valid' | 'same';
  padding_mode?: PaddingMode;
  activation: 'relu' | 'linear';
  weights: number[];
  bias: number[];
}
interface GoldenPatch {
  input_shape: [number, number];
  input: number[];
  output_shape: [number, number];
  output: number[];
  max_abs_diff_if_kernels_flipped_180: number;
  max_abs_diff_if_kernels_transposed: number;
}

/**
 * Max |srcnn-ts - golden| in [0, 1] units. The weights and input are rounded to float32 and each
 * layer stores float32; measured 1.9e-7 (9-5-5) and 9.1e-8 (Keras). The flip/transpose errors are ~5e-2.
 */
const TOL = 2e-6;

type KernelMap = (w: number[], L: JsonLayer) => Float32Array;
const asIs: KernelMap = (w) => Float32Array.from(w);
/** Every kernel rotated 180 degrees: w'[o,c,r,s] = w[o,c,kh-1-r,kw-1-s]. */
const flip180: KernelMap = (w, L) => remap(w, L, (r, s, kh, kw) => [kh - 1 - r, kw - 1 - s]);
/** Every (square) kernel transposed: w'[o,c,r,s] = w[o,c,s,r]. */
const transposed: KernelMap = (w, L) => remap(w, L, (r, s) => [s, r]);

function remap(w: number[], L: JsonLayer, f: (r: number, s: number, kh: number, kw: number) => [number, number]): Float32Array {
  const [kh, kw] = L.kernel;
  const out = new Float32Array(w.length);
  for (let oc = 0; oc < L.out * L.in; oc++) {
    for (let r = 0; r < kh; r++) for (let s = 0; s < kw; s++) {
      const [rr, ss] = f(r, s, kh, kw);
      out[(oc * kh + r) * kw + s] = w[(oc * kh + rr) * kw + ss]!;
    }
  }
  return out;
}

/** Runs the layers on a 1-channel patch with conv2d (batch 1, NCHW). */
function forward(layers: JsonLayer[], patch: GoldenPatch, map: KernelMap): { data: Float32Array; h: number; w: number } {
  let [h, w] = patch.input_shape;
  let x = Float32Array.from(patch.input);
  let c = 1;
  for (const L of layers) {
    const info = convInfo([1, c, h, w], [L.out, L.in, L.kernel[0], L.kernel[1]], L.padding, L.padding_mode ?? 'zeros');
    const y = new Float32Array(L.out * info.outH * info.outW);
    conv2d(y, x, map(L.weights, L), Float32Array.from(L.bias), info, L.activation === 'relu');
    [x, c, h, w] = [y, L.out, info.outH, info.outW];
  }
  return { data: x, h, w };
}

const models = [
  { dir: 'srcnn_955_imagenet_x3', weights: 'srcnn_955_imagenet_x3.json', patch: 'golden_patch_butterfly_x3.json' },
  { dir: 'keras_3051crop_weight_200', weights: '3051crop_weight_200.json', patch: 'golden_patch_butterfly_x2.json' },
];

(hasShared ? describe : describe.skip)('golden patches: 3-layer SRCNN on the bare conv2d kernel', () => {
  for (const m of models) {
    describe(m.dir, () => {
      let layers: JsonLayer[];
      let patch: GoldenPatch;
      before(() => {
        const dir = join(sharedDir, 'reference-weights', m.dir);
        layers = (JSON.parse(readFileSync(join(dir, m.weights), 'utf8')) as { layers: JsonLayer[] }).layers;
        patch = JSON.parse(readFileSync(join(dir, m.patch), 'utf8')) as GoldenPatch;
      });

      it(`reproduces the golden output to ${TOL}`, () => {
        const y = forward(layers, patch, asIs);
        expect([y.h, y.w]).to.deep.equal(patch.output_shape);
        expect(maxAbsDiff(y.data, patch.output)).to.be.below(TOL);
      });

      it('would fail with flipped or transposed kernels (by the amounts the README records)', () => {
        for (const [name, map, recorded] of [
          ['flipped 180', flip180, patch.max_abs_diff_if_kernels_flipped_180],
          ['transposed', transposed, patch.max_abs_diff_if_kernels_transposed],
        ] as const) {
          const err = maxAbsDiff(forward(layers, patch, map).data, patch.output);
          expect(err, name).to.be.above(100 * TOL);
          expect(Math.abs(err - recorded), `${name}: ${err} vs recorded ${recorded}`).to.be.below(1e-4);
        }
      });
    });
  }
});
