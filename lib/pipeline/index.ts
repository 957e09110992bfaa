/** The SRCNN pipeline: pre-upscaling, Y through the network, colour recombination. */
export { srcnn, MIN_TILES_PER_THREAD } from './srcnn.js';
export type {
  SrcnnModel, SrcnnOptions, UpscaleOptions, RestoreOptions, NetworkRunOptions,
  WeightsLoader, BackendChoice, ResizeMethod, BorderMode,
} from './srcnn.js';
export { bicubicSource, imageSource } from './pixel_source.js';
export type { PixelSource } from './pixel_source.js';
export { TilePool } from './tile_pool.js';
export type { SpawnTileWorker, TileWorkerHandle, TileWorkerEvents, TileJob, TileRunOptions } from './tile_pool.js';
export { serveTileRequests } from './tile_worker.js';
export type { TileRequest, TileReply, TileSourceSpec, PostTileReply } from './tile_worker.js';
export { lumaInto, mergeLumaInto } from './luma.js';
export type { Rounding } from './luma.js';
export { evaluateModel, MODEL_PROTOCOLS } from './evaluate_model.js';
export type { EvaluateModelOptions, EvalImages, ModelEvaluation, ModelProtocol } from './evaluate_model.js';
