/**
 * Node worker threads for the 'wasm-simd' backend: `spawnNodeWasmWorker` starts a
 * worker_threads Worker running lib/node/wasm_worker_entry.ts, which instantiates the kernel module
 * on the shared memory. Workers are unref'd, so an idle pool never keeps the process alive.
 */
import { Worker } from 'node:worker_threads';
import { createBackend, type CreateBackendOptions } from '../backend/index.js';
import type { Backend } from '../backend/backend.js';
import type { SpawnWasmWorker } from '../wasm/pool.js';

const ENTRY = new URL('./wasm_worker_entry.js', import.meta.url);

/** Starts one worker thread for the wasm thread pool. */
export const spawnNodeWasmWorker: SpawnWasmWorker = (init) => {
  const worker = new Worker(ENTRY);
  worker.postMessage(init);
  worker.unref();
  return {
    terminate(): void {
      void worker.terminate();
    },
  };
};

/** {@link createBackend} with Node worker threads available (threads > 1 works without more setup). */
export function createNodeBackend(opts: CreateBackendOptions = {}): Backend {
  return createBackend({ spawnWorker: spawnNodeWasmWorker, ...opts });
}
