/** `srcnn()` with Node defaults: WASM SIMD kernels and tile workers on worker threads, one per core. */
import { availableParallelism } from 'node:os';
import { srcnn as coreSrcnn, type SrcnnModel, type SrcnnOptions } from '../pipeline/srcnn.js';
import { spawnNodeTileWorker } from './tile_workers.js';
import { spawnNodeWasmWorker } from './wasm_workers.js';

/**
 * The core {@link coreSrcnn | srcnn} (shipped weights when none are given) with Node worker threads
 * for tile workers and 'wasm-simd': `threads` defaults to the number of cores when the model creates
 * its own backend.
 */
export function srcnn(opts: SrcnnOptions = {}): SrcnnModel {
  const threads = typeof opts.backend === 'object' ? opts.threads : (opts.threads ?? availableParallelism());
  return coreSrcnn({
    spawnWorker: spawnNodeWasmWorker,
    spawnTileWorker: spawnNodeTileWorker,
    ...opts,
    ...(threads !== undefined ? { threads } : {}),
  });
}
