/**
 * The worker side of tile-level parallelism (`pipeline/tile_pool.ts`): a tile worker owns a
 * single-threaded backend and the network, and enhances whole tiles (bicubic pre-upscale, Y,
 * network, colour merge) on request, replying with each tile's finished pixels. Nothing here is
 * shared with other threads, so every tile is computed exactly as `enhanceImage` computes it on one
 * thread: the result does not depend on which worker ran which tile.
 *
 * Messages (structured-clone objects; a host hands them in and posts the replies, see
 * `SpawnTileWorker`):
 * - `job`: the weights, backend name, source and options of one enhancement. The worker plans the
 *   same tiles as the caller (`planEnhance` is deterministic) and keeps the network while the weights
 *   key stays the same (and its backend while the tiles are no larger than before).
 * - `tile`: enhance tile `index` of the job; `crop` carries the tile's source pixels when the source
 *   is an image held by the caller (`restore`), and is null when the worker computes them itself
 *   from the low-resolution image it was given (`upscale`). `into` is a result buffer the caller
 *   passes back once it has pasted a reply, so that tiles allocate nothing on either side.
 * - `end`: the job is over; its buffers may go.
 * Replies: `tile` (the pixels to paste at (x, y); their buffer is transferred) or `error` (name and
 * message of what was thrown; the caller stops the job).
 */
import type { BackendName } from '../backend/backend.js';
import { createBackend } from '../backend/index.js';
import type { Backend } from '../backend/backend.js';
import { ValueError } from '../errors.js';
import type { Channels, Image } from '../image/image.js';
import { Sequential } from '../nn/sequential.js';
import type { SrcnnWeights } from '../weights/types.js';
import { maxTileInput } from '../model/tiling.js';
import { netGeometry } from '../nn/geometry.js';
import { TileEnhancer, planEnhance, type TileEnhanceOptions } from './enhance.js';
import { bicubicSource, type PixelSource, type ResizeMethod } from './pixel_source.js';

/** Where a tile worker's pixels come from. */
export type TileSourceSpec =
  /** The bicubic upscale of `image` by `scale` (`bicubicSource`), computed by the worker per tile. */
  | { kind: 'bicubic'; image: Image; scale: number; method: ResizeMethod }
  /** An image of this size held by the caller, which sends each tile's crop. */
  | { kind: 'crops'; width: number; height: number; channels: Channels };

/** Starts a job (see the module comment). */
export interface TileJobRequest {
  type: 'job';
  job: number;
  /** Equal keys mean equal weights: the worker keeps its network. */
  weightsKey: number;
  weights: SrcnnWeights;
  backend: BackendName | 'auto';
  source: TileSourceSpec;
  options: TileEnhanceOptions;
}

/** Enhances one tile of the current job. */
export interface TileRunRequest {
  type: 'tile';
  job: number;
  index: number;
  /** The tile's source pixels (`tile.src`, interleaved) for a 'crops' source; null otherwise. */
  crop: Uint8Array | null;
  /** A buffer for the result (a returned one, passed back so that no tile allocates), or null. */
  into: Uint8Array<ArrayBuffer> | null;
}

/** Ends a job. */
export interface TileEndRequest {
  type: 'end';
  job: number;
}

export type TileRequest = TileJobRequest | TileRunRequest | TileEndRequest;

/** A finished tile: paste `image` at (x, y) of the output. */
export interface TileDoneReply {
  type: 'tile';
  job: number;
  index: number;
  x: number;
  y: number;
  image: Image;
}

/** What a request threw. */
export interface TileErrorReply {
  type: 'error';
  job: number;
  name: string;
  message: string;
}

export type TileReply = TileDoneReply | TileErrorReply;

/** Sends a reply to the caller, transferring the listed buffers. */
export type PostTileReply = (reply: TileReply, transfer: ArrayBuffer[]) => void;

/** A source whose pixels always come with the tile request. */
function cropsOnly(spec: { width: number; height: number; channels: Channels }): PixelSource {
  return {
    ...spec,
    read(): Image {
      throw new ValueError('tile worker: a crops source has no pixels of its own; the tile request must carry them');
    },
  };
}

/**
 * The request handler of one tile worker: call it with every message from the caller; it replies
 * through `post`. Requests are handled synchronously, in order.
 * @example Node (lib/node/tile_worker_entry.ts):
 * ```ts
 * const handle = serveTileRequests((reply, transfer) => parentPort.postMessage(reply, transfer));
 * parentPort.on('message', handle);
 * ```
 */
export function serveTileRequests(post: PostTileReply): (req: TileRequest) => void {
  let backend: Backend | null = null;
  let backendName = '';
  /** Largest tile input (pixels) the backend has been sized for. */
  let sizedFor = 0;
  let net: Sequential | null = null;
  let netKey = -1;
  let job: { id: number; enhancer: TileEnhancer; channels: Channels } | null = null;

  const start = (req: TileJobRequest): void => {
    job = null;
    const s = req.source;
    const source = s.kind === 'bicubic' ? bicubicSource(s.image, s.scale, s.method) : cropsOnly(s);
    const geom = netGeometry(req.weights.layers.map((l) => l.spec));
    const need = maxTileInput(planEnhance(source.width, source.height, geom, req.options).tiles);
    if (backend === null || backendName !== req.backend) {
      net?.dispose();
      net = null;
      backend?.dispose();
      backend = null;
      backend = createBackend({ backend: req.backend });
      backendName = req.backend;
      sizedFor = need;
    } else if (need > sizedFor) {
      // Larger tiles than before: free every buffer first, so the new, larger ones reuse the space
      // instead of leaving the old ones as holes (a WebAssembly memory never shrinks).
      net?.dispose();
      net = null;
      backend.releaseScratch();
      sizedFor = need;
    }
    if (net === null || netKey !== req.weightsKey) {
      net?.dispose();
      net = null;
      net = new Sequential(req.weights, backend);
      netKey = req.weightsKey;
    }
    job = { id: req.job, enhancer: new TileEnhancer(net, source, req.options), channels: source.channels };
  };

  const run = (req: TileRunRequest): void => {
    if (job === null || job.id !== req.job) throw new ValueError(`tile worker: tile ${req.index} of job ${req.job}, which has not started`);
    const tile = job.enhancer.plan.tiles[req.index];
    if (tile === undefined) throw new ValueError(`tile worker: job ${req.job} has no tile ${req.index}`);
    const s = tile.src;
    const crop = req.crop === null ? undefined : { width: s.width, height: s.height, channels: job.channels, data: req.crop };
    const need = job.enhancer.maxResultBytes;
    const into = req.into !== null && req.into.length >= need ? req.into : new Uint8Array(need);
    const r = job.enhancer.run(tile, crop, into);
    post({ type: 'tile', job: req.job, index: req.index, x: r.x, y: r.y, image: r.image }, [into.buffer]);
  };

  return (req) => {
    try {
      if (req.type === 'job') start(req);
      else if (req.type === 'tile') run(req);
      else if (job?.id === req.job) job = null;
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      post({ type: 'error', job: req.job, name: err.name, message: err.message }, []);
    }
  };
}
