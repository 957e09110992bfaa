/**
 * Tile-level parallelism: a pool of tile workers (`pipeline/tile_worker.ts`), each running whole
 * tiles of an enhancement, with the calling thread only handing out tiles and pasting results.
 *
 * Why tiles and not kernels: splitting each kernel call over threads (the 'wasm-simd' backend's own
 * threads) leaves the per-tile work outside the network (bicubic pre-upscale, colour conversion and
 * merge, about 13% of an upscale) on one thread and adds a barrier per kernel call, which capped
 * two threads at about 1.65x. Whole tiles on separate threads share nothing, and the calling
 * thread stays free (a browser page keeps responding).
 *
 * Scheduling: one tile in flight per worker, largest tiles first (so each worker sizes its buffers
 * once); a worker gets the next tile when it returns one, so a slower or busier core simply does
 * fewer tiles. Results are pasted as they arrive; every tile is
 * computed independently and exactly as on one thread, so the output does not depend on the
 * schedule. Progress counts finished tiles. An abort stops handing out tiles; the call rejects
 * with AbortError once the tiles in flight (at most one per worker) are back. A worker's error
 * stops the job the same way and rejects with it; a worker that dies marks the pool broken (the
 * owner replaces it).
 *
 * No Node or DOM imports: the host supplies a {@link SpawnTileWorker} (lib/node/tile_workers.ts for
 * Node's worker_threads; a Web Worker wrapper in browsers).
 */
import type { BackendName } from '../backend/backend.js';
import { BackendError, OptionError, ShapeError, SrcnnError, ValueError, WeightsError } from '../errors.js';
import type { Image } from '../image/image.js';
import { largestFirst, throwIfAborted, type Tile } from '../model/tiling.js';
import type { SrcnnWeights } from '../weights/types.js';
import { paste, type TileEnhanceOptions } from './enhance.js';
import type { TileDoneReply, TileReply, TileRequest, TileSourceSpec } from './tile_worker.js';

/** What a host reports about a tile worker it started. */
export interface TileWorkerEvents {
  /** A reply from the worker. */
  message(reply: TileReply): void;
  /** The worker stopped on its own (crashed or exited). */
  exit(error: Error): void;
}

/** A started tile worker. */
export interface TileWorkerHandle {
  /** Sends a request, transferring the listed buffers. */
  post(req: TileRequest, transfer: ArrayBuffer[]): void;
  /** Busy workers keep the host alive (Node: `ref()`); idle ones must not (`unref()`). */
  setBusy(busy: boolean): void;
  terminate(): void;
}

/**
 * Starts a thread that passes every message to `serveTileRequests((r, t) => postMessage(r, t))` and
 * reports its replies and its exit through `events`. Node: `spawnNodeTileWorker` in
 * lib/node/tile_workers.ts.
 * @example A browser:
 * ```ts
 * // tile-worker.js: const handle = serveTileRequests((r, t) => self.postMessage(r, t));
 * //                 self.onmessage = (e) => handle(e.data);
 * const spawnTileWorker: SpawnTileWorker = (events) => {
 *   const w = new Worker(new URL('./tile-worker.js', import.meta.url), { type: 'module' });
 *   w.onmessage = (e) => events.message(e.data);
 *   w.onerror = (e) => events.exit(new Error(e.message));
 *   return { post: (req, transfer) => w.postMessage(req, transfer), setBusy: () => {}, terminate: () => w.terminate() };
 * };
 * const model = srcnn({ threads: navigator.hardwareConcurrency, spawnTileWorker });
 * ```
 */
export type SpawnTileWorker = (events: TileWorkerEvents) => TileWorkerHandle;

/** One enhancement for {@link TilePool.run}. */
export interface TileJob {
  weights: SrcnnWeights;
  backend: BackendName | 'auto';
  source: TileSourceSpec;
  options: TileEnhanceOptions;
  /** The tiles, as `planEnhance` plans them for this source and options (the workers plan the same). */
  tiles: readonly Tile[];
  /** The source pixels of a tile, for a 'crops' source (sent with the tile, transferred). */
  crop?: (tile: Tile) => Uint8Array<ArrayBuffer>;
}

/** Callbacks and cancellation of {@link TilePool.run}. */
export interface TileRunOptions {
  /** A finished tile (called in completion order, on the calling thread). */
  onResult(tile: TileDoneReply): void;
  /** Tiles done, total: after each finished tile. */
  onTile?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Error classes a worker's error is re-created as (those whose constructor takes only the message). */
const ERRORS: Record<string, new (message: string) => SrcnnError> = { ShapeError, ValueError, OptionError, WeightsError, BackendError };

/** The error a worker reported: the same srcnn-ts error class where it is one of {@link ERRORS}, else a BackendError naming it. */
function workerError(name: string, message: string): Error {
  const E = ERRORS[name];
  return E ? new E(message) : new BackendError(`tile worker: ${name}: ${message}`);
}

interface Slot {
  handle: TileWorkerHandle;
  /** Tiles sent and not yet returned. */
  inflight: number;
  dead: boolean;
  /** The buffer of the worker's last pasted reply, sent back with its next tile. */
  spare: Uint8Array<ArrayBuffer> | null;
}

/** The state of the job being run. */
interface Runner {
  id: number;
  job: TileJob;
  /** Tile indices in the order they are handed out: largest first (`largestFirst`). */
  order: number[];
  opts: TileRunOptions;
  next: number;
  done: number;
  inflight: number;
  failure: Error | null;
  aborted: boolean;
  settle: () => void;
}

/** Indices of `tiles`, largest input first (see `largestFirst`). */
function handOutOrder(tiles: readonly Tile[]): number[] {
  const index = new Map(tiles.map((t, i) => [t, i]));
  return largestFirst(tiles).map((t) => index.get(t)!);
}

/** Keys of weights objects: workers keep their network while the key is the same. */
const weightKeys = new WeakMap<SrcnnWeights, number>();
let lastWeightKey = 0;

function keyOf(w: SrcnnWeights): number {
  let k = weightKeys.get(w);
  if (k === undefined) {
    k = ++lastWeightKey;
    weightKeys.set(w, k);
  }
  return k;
}

/** A fixed set of tile workers running one job at a time (see the module comment). */
export class TilePool {
  /** A worker died: the pool cannot run more jobs and should be replaced. */
  broken = false;
  private readonly slots: Slot[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private runner: Runner | null = null;
  private lastJob = 0;
  private closed = false;

  /** Starts `size` workers. @throws BackendError when `size` is not a positive integer. */
  constructor(spawn: SpawnTileWorker, readonly size: number) {
    if (!Number.isSafeInteger(size) || size < 1) throw new BackendError(`tile pool: size must be a positive integer, got ${size}`);
    try {
      for (let i = 0; i < size; i++) {
        const slot: Slot = { handle: null as unknown as TileWorkerHandle, inflight: 0, dead: false, spare: null };
        slot.handle = spawn({
          message: (reply) => this.onReply(slot, reply),
          exit: (error) => this.onExit(slot, error),
        });
        slot.handle.setBusy(false);
        this.slots.push(slot);
      }
    } catch (e) {
      this.terminate();
      throw e;
    }
  }

  /**
   * Runs `job` on the workers, after the jobs queued before it; resolves when every tile has been
   * passed to `opts.onResult`.
   * @throws AbortError when `opts.signal` aborts; the error a worker reported; BackendError when a
   *   worker died or the pool was closed.
   */
  run(job: TileJob, opts: TileRunOptions): Promise<void> {
    if (this.closed) return Promise.reject(new BackendError('tile pool: closed'));
    const p = this.queue.then(() => this.runNow(job, opts));
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Stops the workers once the queued jobs are done. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.queue.then(() => this.terminate());
  }

  /** Stops the workers now (a running job rejects). */
  terminate(): void {
    this.closed = true;
    this.broken = true;
    const r = this.runner;
    for (const s of this.slots) {
      if (r !== null) r.inflight -= s.inflight;
      s.inflight = 0;
      if (s.dead) continue;
      s.dead = true;
      s.handle.terminate();
    }
    if (r !== null) {
      r.failure ??= new BackendError('tile pool: terminated');
      this.maybeSettle(r);
    }
  }

  private runNow(job: TileJob, opts: TileRunOptions): Promise<void> {
    if (this.broken) return Promise.reject(new BackendError('tile pool: a worker stopped; the pool must be replaced'));
    throwIfAborted(opts.signal);
    return new Promise<void>((resolve, reject) => {
      const r: Runner = {
        id: ++this.lastJob, job, order: handOutOrder(job.tiles), opts, next: 0, done: 0, inflight: 0, failure: null, aborted: false,
        settle: () => {
          this.runner = null;
          opts.signal?.removeEventListener('abort', onAbort);
          for (const s of this.slots) {
            if (s.dead) continue;
            s.handle.post({ type: 'end', job: r.id }, []);
            s.handle.setBusy(false);
          }
          if (r.failure) reject(r.failure);
          else if (r.aborted) {
            try {
              throwIfAborted(opts.signal);
            } catch (e) {
              reject(e);
            }
          } else resolve();
        },
      };
      const onAbort = (): void => {
        r.aborted = true;
        this.maybeSettle(r);
      };
      this.runner = r;
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const weightsKey = keyOf(job.weights);
      try {
        for (const s of this.slots) {
          if (s.dead) continue;
          s.handle.setBusy(true);
          s.handle.post({ type: 'job', job: r.id, weightsKey, weights: job.weights, backend: job.backend, source: job.source, options: job.options }, []);
        }
      } catch (e) {
        // E.g. a DataCloneError: weights carrying something a structured clone cannot copy.
        r.failure ??= new BackendError(`tile workers: the job could not be sent (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)})`);
      }
      for (const s of this.slots) this.dispatch(r, s);
      this.maybeSettle(r);
    });
  }

  /** Sends the next tile to `slot`, unless the job is stopping or out of tiles. */
  private dispatch(r: Runner, slot: Slot): void {
    if (slot.dead || r.failure !== null || r.aborted || r.next >= r.job.tiles.length) return;
    const index = r.order[r.next++]!;
    try {
      const crop = r.job.crop ? r.job.crop(r.job.tiles[index]!) : null;
      const into = slot.spare;
      slot.spare = null;
      const transfer: ArrayBuffer[] = [];
      if (crop) transfer.push(crop.buffer);
      if (into) transfer.push(into.buffer);
      slot.handle.post({ type: 'tile', job: r.id, index, crop, into }, transfer);
    } catch (e) {
      r.failure ??= e instanceof Error ? e : new Error(String(e));
      return;
    }
    slot.inflight++;
    r.inflight++;
  }

  private maybeSettle(r: Runner): void {
    if (this.runner !== r || r.inflight > 0) return;
    if (r.failure !== null || r.aborted || r.done === r.job.tiles.length) r.settle();
  }

  private onReply(slot: Slot, reply: TileReply): void {
    const r = this.runner;
    if (r === null || reply.job !== r.id) return; // a reply to a job that already stopped
    if (reply.type === 'error') {
      r.failure ??= workerError(reply.name, reply.message);
      // An error about a tile returns that tile; one about the job start leaves the tiles in flight.
      if (slot.inflight > 0) {
        slot.inflight--;
        r.inflight--;
      }
      this.maybeSettle(r);
      return;
    }
    slot.inflight--;
    r.inflight--;
    if (r.failure === null) {
      try {
        r.opts.onResult(reply);
        const b = reply.image.data.buffer;
        if (b instanceof ArrayBuffer) slot.spare = new Uint8Array(b);
        r.done++;
        r.opts.onTile?.(r.done, r.job.tiles.length);
      } catch (e) {
        r.failure = e instanceof Error ? e : new Error(String(e));
      }
    }
    this.dispatch(r, slot);
    this.maybeSettle(r);
  }

  private onExit(slot: Slot, error: Error): void {
    if (slot.dead) return;
    slot.dead = true;
    this.broken = true;
    const r = this.runner;
    if (r !== null) {
      r.inflight -= slot.inflight;
      r.failure ??= new BackendError(`tile worker stopped: ${error.message}`);
    }
    slot.inflight = 0;
    if (r !== null) this.maybeSettle(r);
  }
}

/** Copies a finished tile into `out`, checking that it fits (a bad reply must not write elsewhere). */
export function pasteTile(out: Image, t: TileDoneReply): void {
  const img = t.image;
  if (img.channels !== out.channels || t.x < 0 || t.y < 0 || t.x + img.width > out.width || t.y + img.height > out.height ||
    img.data.length !== img.width * img.height * img.channels) {
    throw new BackendError(`tile worker: tile ${t.index} (${img.width}x${img.height}x${img.channels} at ${t.x}, ${t.y}) does not fit the ${out.width}x${out.height}x${out.channels} output`);
  }
  paste(out, img, t.x, t.y);
}
