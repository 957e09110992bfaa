/**
 * srcnn-ts/node: the Node-only part of the API (file I/O, PNG encoding, worker threads, the shipped
 * weights on disk). Everything here may import `node:*`.
 *
 * `srcnn` here is the core `srcnn` (shipped weights when none are given) with worker threads for
 * the WASM SIMD backend, one per core by default.
 */
export { formatFromPath, readImageFile, writeFileAtomic, writeImageFile } from './io.js';
export type { WriteImageOptions } from './io.js';
export { encodeImage } from '../image/codec.js';
export { encodePng } from '../image/png_encode.js';
export { readWeightsFile } from './weights_file.js';
export { srcnn } from './srcnn.js';
export { loadShippedWeights, shippedWeightsPath, SHIPPED_WEIGHTS_DIR } from './shipped_weights.js';
export { spawnNodeWasmWorker, createNodeBackend } from './wasm_workers.js';
export { spawnNodeTileWorker } from './tile_workers.js';
