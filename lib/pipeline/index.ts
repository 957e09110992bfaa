/** The SRCNN pipeline: pre-upscaling, Y through the network, colour recombination. */
export { srcnn } from './srcnn.js';
export type {
  SrcnnModel, SrcnnOptions, UpscaleOptions, RestoreOptions, NetworkRunOptions,
  WeightsLoader, BackendChoice, ResizeMethod, BorderMode,
} from './srcnn.js';
export { bicubicSource, imageSource } from './pixel_source.js';
export type { PixelSource } from './pixel_source.js';
export { splitLuma, mergeLuma } from './luma.js';
export type { LumaSplit, Rounding } from './luma.js';
export { evaluateModel, meanEvalResult, MODEL_PROTOCOLS } from './evaluate_model.js';
export type { EvaluateModelOptions, EvalImages, ModelEvaluation, ModelProtocol } from './evaluate_model.js';
