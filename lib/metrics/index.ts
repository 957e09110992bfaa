/**
 * Image quality metrics: scikit-image 0.19-exact MSE/PSNR/SSIM, Wang's `ssim_index` (the SRCNN
 * paper's SSIM), the Keras tutorial's `compare_images`, and the papers' evaluation protocols.
 */
export type { MetricInput } from './input.js';
export { mse, mseTutorial } from './mse.js';
export { psnr, psnrFromMse, type PsnrOptions, type PsnrForm } from './psnr.js';
export { ssim, ssimWang, type SsimOptions, type SsimWangOptions, type SsimFull } from './ssim.js';
export { compareImages, type CompareResult } from './compare.js';
export {
  evaluate, meanEvalResult, EVAL_PRESETS, type EvalPreset, type EvalProtocol, type EvaluateOptions, type EvalResult,
} from './evaluate.js';
