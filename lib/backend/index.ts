/**
 * Backend selection. `createBackend()` picks 'wasm-simd' where WebAssembly SIMD validates and falls
 * back to the scalar 'js' reference backend elsewhere.
 */
import { BackendError, OptionError } from '../errors.js';
import { checkOptionKeys } from '../util/options.js';
import { simdSupported } from '../wasm/runtime.js';
import type { SpawnWasmWorker } from '../wasm/pool.js';
import type { Backend, BackendName } from './backend.js';
import { createJsBackend } from './js.js';
import { createWasmBackend } from './wasm.js';

export { simdSupported, relaxedSimdSupported, sharedMemorySupported } from '../wasm/runtime.js';
export { createWasmBackend } from './wasm.js';
export type { WasmBackendOptions } from './wasm.js';
export { createJsBackend } from './js.js';
export type { SpawnWasmWorker, WasmWorkerHandle, WasmWorkerInit } from '../wasm/pool.js';
export { runWasmWorker } from '../wasm/pool.js';
export type { Backend, BackendName, ConvStep } from './backend.js';

/** Options of {@link createBackend}. */
export interface CreateBackendOptions {
  /**
   * 'auto': 'wasm-simd' when WebAssembly SIMD validates here, else 'js'. Forcing 'wasm-simd' where
   * it is unsupported throws {@link BackendError}.
   * @defaultValue 'auto'
   */
  backend?: 'auto' | BackendName;
  /**
   * Threads per kernel call, the caller included (only 'wasm-simd' uses more than 1; it then needs
   * `spawnWorker`). 'js' is always single-threaded and reports `threads: 1`.
   * @defaultValue 1
   */
  threads?: number;
  /** Starts a worker thread for 'wasm-simd' (Node: `spawnNodeWasmWorker` from srcnn-ts/node). */
  spawnWorker?: SpawnWasmWorker;
}

const KNOWN_OPTIONS = new Set(['backend', 'threads', 'spawnWorker']);

/**
 * Creates a compute backend.
 * @throws OptionError for unknown options or backend names; BackendError when the requested
 *   backend cannot run here.
 */
export function createBackend(opts: CreateBackendOptions = {}): Backend {
  checkOptionKeys(opts, KNOWN_OPTIONS, 'createBackend');
  const choice = opts.backend ?? 'auto';
  if (choice !== 'auto' && choice !== 'js' && choice !== 'wasm-simd') {
    throw new OptionError(`createBackend: unknown backend '${String(choice)}' (use 'auto', 'js' or 'wasm-simd')`);
  }
  const threads = opts.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new OptionError(`createBackend: threads must be an integer >= 1, got ${threads}`);
  if (choice === 'js' || (choice === 'auto' && !simdSupported())) return createJsBackend();
  if (!simdSupported()) throw new BackendError("backend 'wasm-simd' needs WebAssembly SIMD128, which this runtime does not validate");
  return createWasmBackend({ threads, ...(opts.spawnWorker ? { spawnWorker: opts.spawnWorker } : {}) });
}
