/**
 * Acceptance: the Keras tutorial model (MarkPrecursor `3051crop_weight_200.h5`) reproduces
 * shared/anchors/quality.md section 7, through `examples/tutorial.ts` (the tutorial protocol) and the
 * authors' protocol at x2 with shave 6. Values are given to 2 decimals (PSNR) and 4 (SSIM): ours must
 * round to them (|diff| <= 0.005 / 0.00005).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBackend } from '../../lib/backend/index.js';
import { meanEvalResult, type EvalResult } from '../../lib/metrics/evaluate.js';
import { evaluateModel } from '../../lib/pipeline/evaluate_model.js';
import { srcnn } from '../../lib/pipeline/srcnn.js';
import { parseKerasH5 } from '../../lib/weights/keras_h5.js';
import { runTutorial, TUTORIAL_DEFAULTS } from '../../examples/tutorial.js';
import { hasShared, sharedDir } from '../helpers/paths.js';
import { readSharedImage } from '../helpers/shared_data.js';

const P = 0.005 + 1e-9;
const S = 0.00005 + 1e-12;

function near(got: number, want: number, tol: number, what: string): void {
  expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).to.be.at.most(tol);
}

(hasShared ? describe : describe.skip)('conformance: Keras tutorial model (quality.md section 7)', function () {
  this.timeout(20 * 60 * 1000);
  const probe = createBackend({ backend: 'auto' });
  const fast = probe.name !== 'js';
  probe.dispose();

  it("tutorial protocol, Set5, tutorial's modcrop: degraded 30.45 / 0.9002, SRCNN 33.70 / 0.9341 (Y only 30.97 -> 34.82)", async () => {
    const r = await runTutorial({ tutorialModcrop: true });
    expect(r.images.map((i) => i.name)).to.deep.equal(['baby_GT', 'bird_GT', 'butterfly_GT', 'head_GT', 'woman_GT']);
    near(r.mean.degraded.psnr, 30.45, P, 'degraded PSNR');
    near(r.mean.degraded.ssim, 0.9002, S, 'degraded SSIM');
    near(r.mean.srcnn.psnr, 33.70, P, 'SRCNN PSNR');
    near(r.mean.srcnn.ssim, 0.9341, S, 'SRCNN SSIM');
    near(r.mean.degradedY, 30.97, P, 'degraded Y PSNR');
    near(r.mean.srcnnY, 34.82, P, 'SRCNN Y PSNR');
  });

  it("tutorial protocol, Set14, tutorial's modcrop: degraded 27.69 / 0.8342, SRCNN 29.78 / 0.8771 (Y only 28.11 -> 30.59)", async function () {
    if (!fast) this.skip(); // 0.6 TFLOP: only with WASM SIMD
    const r = await runTutorial({ tutorialModcrop: true, dataDir: join(sharedDir, 'data', 'Set14') });
    expect(r.images).to.have.length(14);
    near(r.mean.degraded.psnr, 27.69, P, 'degraded PSNR');
    near(r.mean.degraded.ssim, 0.8342, S, 'degraded SSIM');
    near(r.mean.srcnn.psnr, 29.78, P, 'SRCNN PSNR');
    near(r.mean.srcnn.ssim, 0.8771, S, 'SRCNN SSIM');
    near(r.mean.degradedY, 28.11, P, 'degraded Y PSNR');
    near(r.mean.srcnnY, 30.59, P, 'SRCNN Y PSNR');
  });

  it('authors\' protocol at x2 with shave 6, Set5: bicubic 33.67 / 0.9299, SRCNN 34.45 / 0.9478', async () => {
    const weights = parseKerasH5(new Uint8Array(readFileSync(TUTORIAL_DEFAULTS.h5Path)), { scale: 2 });
    const model = srcnn({ weights, backend: 'auto' });
    const names = ['baby_GT', 'bird_GT', 'butterfly_GT', 'head_GT', 'woman_GT'];
    const bic: EvalResult[] = [], sr: EvalResult[] = [];
    for (const n of names) {
      const img = readSharedImage(`Set5/${n}.bmp`);
      // The valid network's output is the centre (6 px less per side, bicubic around it); shave 6 drops exactly the rest.
      const r = await evaluateModel(model, img, { protocol: 'paper', scale: 2, shave: 6 });
      bic.push(r.bicubic);
      sr.push(r.srcnn);
    }
    model.dispose();
    const b = meanEvalResult(bic), s = meanEvalResult(sr);
    near(b.psnr, 33.67, P, 'bicubic PSNR');
    near(b.ssim, 0.9299, S, 'bicubic SSIM');
    near(s.psnr, 34.45, P, 'SRCNN PSNR');
    near(s.ssim, 0.9478, S, 'SRCNN SSIM');
  });
});
