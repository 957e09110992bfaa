/**
 * The per-pixel golden patches of shared/reference-weights (float64 numpy forward passes): they pin
 * the kernel orientation, which whole-image PSNR cannot (a flipped kernel moves the patch output by
 * up to 0.088, a transposed one by 0.094, but mean PSNR by 0.01 dB). Our float32 network must match
 * to float32 precision on every backend, tiled or not.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../../lib/backend/backend.js';
import { createBackend } from '../../lib/backend/index.js';
import { createJsBackend } from '../../lib/backend/js.js';
import { matlabYU8 } from '../../lib/image/color.js';
import { modcrop } from '../../lib/image/crop.js';
import { createPlane } from '../../lib/image/image.js';
import { imresize } from '../../lib/image/imresize.js';
import { srcnn } from '../../lib/pipeline/srcnn.js';
import { parseKerasH5 } from '../../lib/weights/keras_h5.js';
import type { SrcnnWeights } from '../../lib/weights/types.js';
import { hasShared, sharedDir } from '../helpers/paths.js';
import { readReferenceWeights, readSharedImage } from '../helpers/shared_data.js';

interface Golden {
  scale: number;
  input_shape: [number, number];
  input: number[];
  output_shape: [number, number];
  output: number[];
  max_abs_diff_if_kernels_flipped_180: number;
}

/** Max |ours - float64 reference| allowed (outputs are O(1), float32 accumulation); measured 1.9e-7 (js), 9.1e-7 (wasm-simd). */
const TOL = 2e-6;

const rw = (...p: string[]) => join(sharedDir, 'reference-weights', ...p);

(hasShared ? describe : describe.skip)('conformance: golden patches (kernel orientation, float32 precision)', () => {
  const cases: { name: string; golden: string; weights: () => SrcnnWeights }[] = [
    {
      name: '9-5-5 x3 (authors, JSON)',
      golden: rw('srcnn_955_imagenet_x3', 'golden_patch_butterfly_x3.json'),
      weights: () => readReferenceWeights('srcnn_955_imagenet_x3'),
    },
    {
      name: 'keras 9-3-5 x2 (.h5)',
      golden: rw('keras_3051crop_weight_200', 'golden_patch_butterfly_x2.json'),
      weights: () => parseKerasH5(new Uint8Array(readFileSync(rw('keras_3051crop_weight_200', '3051crop_weight_200.h5'))), { scale: 2 }),
    },
    {
      name: 'keras 9-3-5 x2 (JSON)',
      golden: rw('keras_3051crop_weight_200', 'golden_patch_butterfly_x2.json'),
      weights: () => readReferenceWeights('keras_3051crop_weight_200', '3051crop_weight_200.json'),
    },
  ];
  const backends: [string, () => Backend][] = [['js', createJsBackend], ['auto', () => createBackend({ backend: 'auto' })]];
  for (const c of cases) {
    for (const [bName, make] of backends) {
      it(`${c.name} on the ${bName} backend, whole and in 7 px tiles`, async () => {
        const g = JSON.parse(readFileSync(c.golden, 'utf8')) as Golden;
        const backend = make();
        const model = srcnn({ weights: c.weights(), backend });
        const [h, w] = g.input_shape;
        const y = createPlane(w, h, 1, Float64Array.from(g.input));
        const whole = await model.superResolveY(y);
        const tiled = await model.superResolveY(y, { tileSize: 7 });
        expect([whole.height, whole.width]).to.deep.equal(g.output_shape);
        let max = 0;
        for (let i = 0; i < g.output.length; i++) max = Math.max(max, Math.abs(whole.data[i]! - g.output[i]!));
        expect(max, `max abs diff ${max}`).to.be.at.most(TOL);
        expect(TOL).to.be.below(g.max_abs_diff_if_kernels_flipped_180 / 1000);
        expect(Array.from(tiled.data)).to.deep.equal(Array.from(whole.data));
        model.dispose();
        backend.dispose();
      });
    }
  }

  it("the 9-5-5 patch input is our demo_SR.m bicubic Y/255 of butterfly x3 (rows 96..119, cols 120..143)", () => {
    const g = JSON.parse(readFileSync(rw('srcnn_955_imagenet_x3', 'golden_patch_butterfly_x3.json'), 'utf8')) as Golden;
    const img = readSharedImage('Set5/butterfly_GT.bmp');
    const y = modcrop(createPlane(img.width, img.height, 1, Float64Array.from(matlabYU8(img), (v) => v / 255)), 3);
    const bic = imresize(imresize(y, { scale: 1 / 3 }), { scale: 3 });
    let max = 0;
    for (let r = 0; r < 24; r++) for (let c = 0; c < 24; c++) max = Math.max(max, Math.abs(bic.data[(96 + r) * bic.width + 120 + c]! - g.input[r * 24 + c]!));
    expect(max).to.be.below(1e-12);
  });
});
