/** `srcnn()` with Node defaults: WASM SIMD kernels on worker threads, one per core. */
import { availableParallelism } from 'node:os';
import { srcnn as coreSrcnn, type SrcnnModel, type SrcnnOptions } from '../pipeline/srcnn.js';
import { spawnNodeWasmWorker } from './wasm_workers.js';

/**
 * The core {@link coreSrcnn | srcnn} (shipped weights when none are given) with worker threads for
 * 'wasm-simd': `threads` defaults to the number of cores when the model creates its own backend.
 */
export function srcnn(opts: SrcnnOptions = {}): SrcnnModel {
  const threads = typeof opts.backend === 'object' ? opts.threads : (opts.threads ?? availableParallelism());
  return coreSrcnn({
    spawnWorker: spawnNodeWasmWorker,
    ...opts,
    ...(threads !== undefined ? { threads } : {}),
  });
}
