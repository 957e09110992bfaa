/** Entry of a Node worker thread of the wasm pool: waits for its init message, then runs the pool loop. */
import { parentPort } from 'node:worker_threads';
import { runWasmWorker, type WasmWorkerInit } from '../wasm/pool.js';

parentPort?.once('message', (init: WasmWorkerInit) => {
  runWasmWorker(init);
});
