/**
 * Node worker threads for tile-level parallelism (`pipeline/tile_pool.ts`): `spawnNodeTileWorker`
 * starts a worker_threads Worker running lib/node/tile_worker_entry.ts. A worker keeps the process
 * alive only while it has a job (`setBusy`), so an idle pool never holds the process open.
 */
import { Worker } from 'node:worker_threads';
import type { SpawnTileWorker } from '../pipeline/tile_pool.js';
import type { TileReply } from '../pipeline/tile_worker.js';

const ENTRY = new URL('./tile_worker_entry.js', import.meta.url);

/** Starts one tile worker thread. */
export const spawnNodeTileWorker: SpawnTileWorker = (events) => {
  const worker = new Worker(ENTRY);
  let terminated = false;
  worker.on('message', (reply: TileReply) => events.message(reply));
  worker.on('error', (e: Error) => events.exit(e));
  worker.on('exit', (code: number) => {
    if (!terminated) events.exit(new Error(`the worker thread exited with code ${code}`));
  });
  return {
    post(req, transfer): void {
      worker.postMessage(req, transfer);
    },
    setBusy(busy): void {
      if (busy) worker.ref();
      else worker.unref();
    },
    terminate(): void {
      terminated = true;
      void worker.terminate();
    },
  };
};
