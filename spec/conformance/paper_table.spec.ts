/**
 * Acceptance: the authors' SRCNN weights under the authors' protocol reproduce the PSNR/SSIM table of
 * shared/anchors/quality.md section 3, and the Keras tutorial model reproduces section 7.
 *
 * Paper pipeline per image (quality.md section 4, `demo_SR.m`), as `evaluateModel(.., { protocol:
 * 'paper' })` runs it: Y = MATLAB rgb2ycbcr on uint8 (rounded; gray images raw), modcrop to the scale,
 * /255, MATLAB imresize bicubic 1/scale then scale (float64), the network in float32 on the bicubic Y
 * ('same' + replicate), then `evaluate(..., 'paper')` on the float output x 255 (uint8 rounding,
 * shave = scale, PSNR 20 log10(255/RMSE), Wang SSIM).
 *
 * Tolerances: means within 0.002 dB and 0.0001 SSIM of the 4/5-decimal table (the acceptance bound
 * is 0.005 / 0.0005; measured deviations are at most 0.0001 dB and 0.000005, the table's rounding);
 * per-image values of the 9-5-5 models equal the 2/4-decimal table after rounding (|diff| <= 0.005 dB /
 * 0.00005).
 *
 * Cost: the whole table is about 1.7 TFLOP of network work (about a minute with WASM SIMD). It runs in
 * full when the backend is WASM SIMD or when SRCNN_FULL_TABLE=1; on the scalar JS backend only the rows
 * that must always run: Set5 x3 9-5-5 and the six 9-1-5 (91 images) rows. SRCNN_TEST_BACKEND=js|wasm-simd
 * overrides the backend (default 'auto').
 */
import { expect } from 'chai';
import type { Backend } from '../../lib/backend/backend.js';
import { createBackend } from '../../lib/backend/index.js';
import type { Image } from '../../lib/image/image.js';
import { evaluateModel } from '../../lib/pipeline/evaluate_model.js';
import { srcnn } from '../../lib/pipeline/srcnn.js';
import { hasShared } from '../helpers/paths.js';
import { readReferenceWeights, readSharedImage } from '../helpers/shared_data.js';

const SET5 = ['baby_GT', 'bird_GT', 'butterfly_GT', 'head_GT', 'woman_GT'];
const SET14 = ['baboon', 'barbara', 'bridge', 'coastguard', 'comic', 'face', 'flowers', 'foreman', 'lenna', 'man', 'monarch', 'pepper', 'ppt3', 'zebra'];
type SetName = 'Set5' | 'Set14';

/** quality.md section 3: [model dir, set, scale, bicubic psnr, bicubic ssim, srcnn psnr, srcnn ssim, always run]. */
const TABLE: [string, SetName, number, number, number, number, number, boolean][] = [
  ['srcnn_955_imagenet_x2', 'Set5', 2, 33.6614, 0.92988, 36.6564, 0.95416, false],
  ['srcnn_955_imagenet_x2', 'Set14', 2, 30.2318, 0.86865, 32.4539, 0.90674, false],
  ['srcnn_955_imagenet_x3', 'Set5', 3, 30.3922, 0.86821, 32.7488, 0.90902, true],
  ['srcnn_955_imagenet_x3', 'Set14', 3, 27.5405, 0.77361, 29.2919, 0.82146, false],
  ['srcnn_955_imagenet_x4', 'Set5', 4, 28.4207, 0.81037, 30.4840, 0.86279, false],
  ['srcnn_955_imagenet_x4', 'Set14', 4, 26.0001, 0.70186, 27.5018, 0.75128, false],
  ['srcnn_935_imagenet_x3', 'Set5', 3, 30.3922, 0.86821, 32.6541, 0.90872, false],
  ['srcnn_935_imagenet_x3', 'Set14', 3, 27.5405, 0.77361, 29.2369, 0.81970, false],
  ['srcnn_915_imagenet_x3', 'Set5', 3, 30.3922, 0.86821, 32.5155, 0.90564, false],
  ['srcnn_915_imagenet_x3', 'Set14', 3, 27.5405, 0.77361, 29.1307, 0.81652, false],
  ['srcnn_915_91img_x2', 'Set5', 2, 33.6614, 0.92988, 36.3422, 0.95214, true],
  ['srcnn_915_91img_x2', 'Set14', 2, 30.2318, 0.86865, 32.1757, 0.90385, true],
  ['srcnn_915_91img_x3', 'Set5', 3, 30.3922, 0.86821, 32.3897, 0.90334, true],
  ['srcnn_915_91img_x3', 'Set14', 3, 27.5405, 0.77361, 29.0032, 0.81448, true],
  ['srcnn_915_91img_x4', 'Set5', 4, 28.4207, 0.81037, 30.0808, 0.85296, true],
  ['srcnn_915_91img_x4', 'Set14', 4, 26.0001, 0.70186, 27.2019, 0.74127, true],
];

/** quality.md section 3, per image, 9-5-5 ImageNet models: scale -> [bicubic psnr, ssim, srcnn psnr, ssim]. */
const PER_IMAGE: Record<string, Record<number, [number, number, number, number]>> = {
  'Set5/baby_GT': { 2: [37.07, 0.9520, 38.54, 0.9655], 3: [33.91, 0.9039, 35.25, 0.9241], 4: [31.78, 0.8567, 33.13, 0.8824] },
  'Set5/bird_GT': { 2: [36.81, 0.9721, 40.91, 0.9859], 3: [32.57, 0.9256, 35.48, 0.9549], 4: [30.18, 0.8729, 32.52, 0.9112] },
  'Set5/butterfly_GT': { 2: [27.43, 0.9154, 32.75, 0.9648], 3: [24.04, 0.8216, 27.95, 0.9098], 4: [22.10, 0.7369, 25.45, 0.8565] },
  'Set5/head_GT': { 2: [34.86, 0.8623, 35.72, 0.8860], 3: [32.88, 0.8003, 33.71, 0.8272], 4: [31.59, 0.7536, 32.44, 0.7801] },
  'Set5/woman_GT': { 2: [32.14, 0.9476, 35.36, 0.9687], 3: [28.56, 0.8896, 31.36, 0.9291], 4: [26.46, 0.8318, 28.88, 0.8837] },
  'Set14/baboon': { 2: [24.86, 0.6976, 25.74, 0.7696], 3: [23.21, 0.5439, 23.67, 0.6111], 4: [22.44, 0.4522, 22.73, 0.5029] },
  'Set14/barbara': { 2: [28.00, 0.8413, 28.64, 0.8759], 3: [26.25, 0.7531, 26.54, 0.7816], 4: [25.15, 0.6863, 25.76, 0.7293] },
  'Set14/bridge': { 2: [26.58, 0.7929, 27.83, 0.8511], 3: [24.40, 0.6483, 25.24, 0.7146], 4: [23.15, 0.5403, 23.76, 0.5990] },
  'Set14/coastguard': { 2: [29.12, 0.7893, 30.83, 0.8529], 3: [26.55, 0.6149, 27.37, 0.6659], 4: [25.48, 0.5222, 26.04, 0.5563] },
  'Set14/comic': { 2: [26.02, 0.8494, 28.52, 0.9146], 3: [23.12, 0.6988, 24.55, 0.7844], 4: [21.69, 0.5831, 22.70, 0.6657] },
  'Set14/face': { 2: [34.83, 0.8623, 35.70, 0.8861], 3: [32.82, 0.7984, 33.72, 0.8269], 4: [31.55, 0.7519, 32.38, 0.7779] },
  'Set14/flowers': { 2: [30.37, 0.8985, 33.32, 0.9364], 3: [27.23, 0.8013, 29.26, 0.8548], 4: [25.52, 0.7215, 27.14, 0.7791] },
  'Set14/foreman': { 2: [34.14, 0.9518, 36.47, 0.9692], 3: [31.16, 0.9058, 33.81, 0.9374], 4: [29.38, 0.8663, 32.12, 0.9079] },
  'Set14/lenna': { 2: [34.70, 0.9112, 36.64, 0.9296], 3: [31.68, 0.8582, 33.67, 0.8866], 4: [29.83, 0.8139, 31.41, 0.8436] },
  'Set14/man': { 2: [29.25, 0.8458, 31.04, 0.8884], 3: [27.01, 0.7495, 28.42, 0.8029], 4: [25.70, 0.6756, 26.89, 0.7300] },
  'Set14/monarch': { 2: [32.94, 0.9601, 37.74, 0.9771], 3: [29.43, 0.9198, 32.81, 0.9488], 4: [27.46, 0.8808, 30.22, 0.9181] },
  'Set14/pepper': { 2: [34.95, 0.9073, 36.87, 0.9214], 3: [32.38, 0.8698, 34.70, 0.8915], 4: [30.59, 0.8363, 32.98, 0.8649] },
  'Set14/ppt3': { 2: [26.87, 0.9450, 31.52, 0.9792], 3: [23.71, 0.8746, 27.04, 0.9393], 4: [21.98, 0.8126, 24.80, 0.8928] },
  'Set14/zebra': { 2: [30.63, 0.9086, 33.49, 0.9429], 3: [26.63, 0.7942, 29.29, 0.8547], 4: [24.08, 0.6831, 26.09, 0.7505] },
};

const MEAN_PSNR_TOL = 0.002;
const MEAN_SSIM_TOL = 0.0001;
/** Half a unit of the table's last decimal (plus float slack): "equal after rounding". */
const IMG_PSNR_TOL = 0.005 + 1e-9;
const IMG_SSIM_TOL = 0.00005 + 1e-12;

function setImages(set: SetName): string[] {
  return set === 'Set5' ? SET5 : SET14;
}

(hasShared ? describe : describe.skip)('conformance: paper table (quality.md section 3, authors\' weights, demo_SR.m protocol)', function () {
  this.timeout(30 * 60 * 1000);
  let backend: Backend;
  const images = new Map<string, Image>();
  const full = process.env['SRCNN_FULL_TABLE'] === '1';

  before(() => {
    const choice = process.env['SRCNN_TEST_BACKEND'] ?? 'auto';
    if (choice !== 'auto' && choice !== 'js' && choice !== 'wasm-simd') throw new Error(`SRCNN_TEST_BACKEND must be auto, js or wasm-simd, got ${choice}`);
    backend = createBackend({ backend: choice });
    for (const set of ['Set5', 'Set14'] as const) {
      for (const name of setImages(set)) images.set(`${set}/${name}`, readSharedImage(`${set}/${name}.bmp`));
    }
  });
  after(() => backend.dispose());

  for (const [dir, set, scale, bicP, bicS, srP, srS, always] of TABLE) {
    it(`${dir} on ${set}: bicubic ${bicP.toFixed(4)} / ${bicS}, SRCNN ${srP.toFixed(4)} / ${srS}`, async function () {
      if (!always && !full && backend.name === 'js') this.skip();
      const weights = readReferenceWeights(dir);
      expect(weights.meta.scale).to.equal(scale);
      const model = srcnn({ weights, backend });
      const sums = { bicP: 0, bicS: 0, srP: 0, srS: 0 };
      const names = setImages(set);
      const perImage: string[] = [];
      for (const name of names) {
        const key = `${set}/${name}`;
        const { bicubic: b, srcnn: s } = await evaluateModel(model, images.get(key)!, { protocol: 'paper', scale });
        sums.bicP += b.psnr / names.length;
        sums.bicS += b.ssim / names.length;
        sums.srP += s.psnr / names.length;
        sums.srS += s.ssim / names.length;
        const ref = dir.startsWith('srcnn_955') ? PER_IMAGE[key]![scale] : undefined;
        if (ref) {
          perImage.push(`${key}: ${b.psnr.toFixed(4)}/${b.ssim.toFixed(5)} ${s.psnr.toFixed(4)}/${s.ssim.toFixed(5)}`);
          expect(Math.abs(b.psnr - ref[0]), `${key} bicubic PSNR ${b.psnr} vs ${ref[0]}`).to.be.at.most(IMG_PSNR_TOL);
          expect(Math.abs(b.ssim - ref[1]), `${key} bicubic SSIM ${b.ssim} vs ${ref[1]}`).to.be.at.most(IMG_SSIM_TOL);
          expect(Math.abs(s.psnr - ref[2]), `${key} SRCNN PSNR ${s.psnr} vs ${ref[2]}`).to.be.at.most(IMG_PSNR_TOL);
          expect(Math.abs(s.ssim - ref[3]), `${key} SRCNN SSIM ${s.ssim} vs ${ref[3]}`).to.be.at.most(IMG_SSIM_TOL);
        }
      }
      model.dispose();
      if (process.env['SRCNN_TABLE_VERBOSE'] === '1') {
        process.stdout.write(`\n  ${dir} ${set}: bicubic ${sums.bicP.toFixed(4)}/${sums.bicS.toFixed(5)} srcnn ${sums.srP.toFixed(4)}/${sums.srS.toFixed(5)} (${backend.name})\n`);
        for (const l of perImage) process.stdout.write(`    ${l}\n`);
      }
      expect(Math.abs(sums.bicP - bicP), `bicubic mean PSNR ${sums.bicP}`).to.be.at.most(MEAN_PSNR_TOL);
      expect(Math.abs(sums.bicS - bicS), `bicubic mean SSIM ${sums.bicS}`).to.be.at.most(MEAN_SSIM_TOL);
      expect(Math.abs(sums.srP - srP), `SRCNN mean PSNR ${sums.srP}`).to.be.at.most(MEAN_PSNR_TOL);
      expect(Math.abs(sums.srS - srS), `SRCNN mean SSIM ${sums.srS}`).to.be.at.most(MEAN_SSIM_TOL);
    });
  }
});
