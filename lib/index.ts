/**
 * srcnn-ts: single-image super-resolution with SRCNN in pure TypeScript.
 *
 * Browser-safe entry: nothing reachable from here imports Node modules. File I/O, PNG encoding and
 * worker threads are in `srcnn-ts/node`.
 *
 * @example
 * import { srcnn, psnr, ssim } from 'srcnn-ts';
 * const model = srcnn({ scale: 3 });            // the shipped 9-1-5 x3 weights
 * const hr = await model.upscale(lowResImage);  // Image: { width, height, channels, data: Uint8Array }
 */
export * from './errors.js';

// Images: type, codecs (decoding; BMP encoding), colour, resize, crop
export * from './image/index.js';
export { decodeImage, sniffFormat, IMAGE_FORMATS } from './image/decode.js';
export type { ImageFormat } from './image/decode.js';
export { decodeBmp, encodeBmp } from './image/bmp.js';
export { decodePng } from './image/png.js';
export { imageToNdarray, imageFromNdarray } from './image/ndarray.js';

// Metrics and evaluation protocols
export * from './metrics/index.js';

// The model: pipeline, architectures, layers, weights
export * from './pipeline/index.js';
export * from './model/index.js';
export * from './nn/index.js';
export * from './weights/index.js';
export { decodeWeights, sniffWeightsFormat } from './weights/any.js';
export type { WeightsFormat } from './weights/any.js';

// Compute backends and the raw kernels / tensors (namespaced: generic names)
export * from './backend/index.js';
export * as kernels from './kernels/index.js';
export * as tensor from './tensor/index.js';
export type { Tensor } from './tensor/index.js';

// Training and reports
export * as train from './train/index.js';
export * from './report/index.js';
