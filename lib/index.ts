/**
 * srcnn-ts: single-image super-resolution with SRCNN in pure TypeScript.
 * Browser-safe entry: nothing here imports Node modules (file I/O and worker threads are in `srcnn-ts/node`).
 */
export * from './errors.js';
export { convInfo, convMacs } from './kernels/conv_info.js';
export type { ConvInfo, Padding, PaddingMode } from './kernels/conv_info.js';
export type { Backend, BackendName } from './backend/backend.js';
