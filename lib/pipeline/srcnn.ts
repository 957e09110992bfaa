/**
 * The user-facing SRCNN model: `srcnn(opts)` returns a {@link SrcnnModel} whose `upscale()` takes a
 * low-resolution 8-bit image to high resolution, as the paper's pipeline does:
 *
 * 1. bicubic pre-upscaling of every channel by `scale` (MATLAB `imresize` bicubic by default, as the
 *    authors; or OpenCV `INTER_CUBIC`), output size `ceil(scale * W) x ceil(scale * H)`;
 * 2. Y of the bicubic image with the weights' convention (`meta.colour`, see `pipeline/luma.ts`), as
 *    Y/255 through the network;
 * 3. the network's Y x 255, clipped and quantised to 8 bits, recombined with the bicubic image's chroma
 *    (and alpha), converted back with the same convention. Gray stays gray; the output has the input's
 *    channel layout.
 *
 * All three steps run tile by tile (`pipeline/enhance.ts`): the bicubic pixels of a tile and its halo
 * are computed from the low-resolution image when the tile needs them (`pipeline/pixel_source.ts`),
 * so memory is the output image plus O(tile) buffers, whatever the image size, and the result is
 * identical to the untiled pipeline, byte for byte, for any tile size.
 *
 * Threads: `upscale` and `restore` of images with at least {@link MIN_TILES_PER_THREAD} tiles per
 * thread run whole tiles on tile workers (`pipeline/tile_pool.ts`) when the model has a
 * `spawnTileWorker` and creates its backend from a name: each worker does every step of its tiles,
 * and the calling thread only hands out tiles and pastes the results. Otherwise (a smaller image,
 * `superResolveY`, a given Backend object) the backend's own threads split each kernel call. A model
 * keeps its backend and worker pools across calls; a call asking for another thread count replaces
 * them (an old pool is shut down once no call uses it), and `dispose()` shuts them down. `dispose()`
 * during a call stops that call within one tile (AbortError). The output is the same, byte for byte,
 * whatever the threads.
 *
 * `restore()` is the same without step 1 (the Keras tutorial's `predict()`: the degraded image is
 * already at the target size). `superResolveY()` is step 2 alone on a float Y/255 plane (what the
 * paper evaluates).
 *
 * Networks with 'valid' layers (the Keras model) lose `margin` pixels per side. By default
 * (`border: 'keep'`) the output keeps the full size and those border pixels keep the bicubic (for
 * `restore`: the input) Y; `border: 'crop'` returns only the centre the network computed, as the
 * tutorial does (12 px smaller per axis for the Keras model). Authors' networks ('same' + replicate)
 * have no margin, so both give the same image.
 */
import type { Backend, BackendName } from '../backend/backend.js';
import { createBackend } from '../backend/index.js';
import type { SpawnWasmWorker } from '../wasm/pool.js';
import { OptionError, ShapeError, ValueError, WeightsError } from '../errors.js';
import { checkOptionKeys } from '../util/options.js';
import { assertImage, createImage, type Image, type Plane } from '../image/image.js';
import { DEFAULT_TILE_SIZE, runTiled, throwIfAborted } from '../model/tiling.js';
import { netGeometry } from '../nn/geometry.js';
import { Sequential } from '../nn/sequential.js';
import { shippedWeights } from '../weights/shipped.js';
import { validateWeights, type SrcnnWeights } from '../weights/types.js';
import { enhanceImage, planEnhance, type BorderMode, type TileEnhanceOptions } from './enhance.js';
import type { Rounding } from './luma.js';
import { bicubicSource, imageSource, type PixelSource, type ResizeMethod } from './pixel_source.js';
import { TilePool, pasteTile, type SpawnTileWorker } from './tile_pool.js';
import type { TileSourceSpec } from './tile_worker.js';

export type { BorderMode } from './enhance.js';
export type { ResizeMethod } from './pixel_source.js';

/** Where weights come from when they are not given directly: called once, on first use. */
export type WeightsLoader = (request: { scale: number; arch: string }) => SrcnnWeights | Promise<SrcnnWeights>;

/** The default {@link WeightsLoader}: the weights this project trained, embedded in the library (`weights/shipped.ts`). */
const embeddedWeightsLoader: WeightsLoader = ({ scale, arch }) => shippedWeights(scale, arch);

/** A backend, or the name of one for `createBackend` ('auto' picks the fastest available). */
export type BackendChoice = Backend | 'auto' | BackendName;

/** Options of {@link srcnn}. */
export interface SrcnnOptions {
  /**
   * Upscaling factor of {@link SrcnnModel.upscale}.
   * @defaultValue the weights' `meta.scale`; 3 when weights come from a loader
   */
  scale?: number;
  /**
   * The network's weights, or a loader for them.
   * @defaultValue the shipped weights for `arch` at `scale` (embedded; x2, x3, x4 of '9-1-5')
   */
  weights?: SrcnnWeights | WeightsLoader;
  /**
   * Architecture name: selects what a loader loads, and given weights must have this `meta.architecture`.
   * @defaultValue '9-1-5' for loaders; not checked for given weights
   */
  arch?: string;
  /** Compute backend. @defaultValue 'auto' */
  backend?: BackendChoice;
  /** Default threads of every call, for a backend created from a name ('wasm-simd' with more than 1 needs `spawnWorker`). @defaultValue 1 */
  threads?: number;
  /** Starts worker threads for a 'wasm-simd' backend created from a name (Node: `spawnNodeWasmWorker`). */
  spawnWorker?: SpawnWasmWorker;
  /**
   * Starts tile workers, which run whole tiles of `upscale`/`restore` when `threads` > 1 (see the
   * module comment; Node: `spawnNodeTileWorker`). Without it, threads split kernel calls only.
   */
  spawnTileWorker?: SpawnTileWorker;
  /** Default output tile side of every call. @defaultValue {@link DEFAULT_TILE_SIZE} */
  tileSize?: number;
}

/** Options of {@link SrcnnModel.superResolveY}. */
export interface NetworkRunOptions {
  /** Output tile side in pixels (memory bound). @defaultValue the model's `tileSize` */
  tileSize?: number;
  /**
   * Threads of this call (see the module comment); with a given Backend object it must equal the
   * backend's `threads`.
   * @defaultValue the model's `threads`
   */
  threads?: number;
  /** Progress after each tile: tiles done, total. */
  onProgress?: (done: number, total: number) => void;
  /** Cancels within one tile (AbortError). */
  signal?: AbortSignal;
}

/** Options of {@link SrcnnModel.restore}. */
export interface RestoreOptions extends NetworkRunOptions {
  /** @defaultValue 'keep' */
  border?: BorderMode;
  /** Quantisation of the network's Y. @defaultValue 'round' ('truncate' reproduces the Keras tutorial) */
  rounding?: Rounding;
}

/** Options of {@link SrcnnModel.upscale}. */
export interface UpscaleOptions extends RestoreOptions {
  /** @defaultValue the model's scale */
  scale?: number;
  /** @defaultValue 'matlab' */
  resize?: ResizeMethod;
}

/** An SRCNN model bound to its weights and backend. */
export interface SrcnnModel {
  /** Default upscaling factor. */
  readonly scale: number;
  /** The weights (loads them on first call when a loader was given). */
  weights(): Promise<SrcnnWeights>;
  /**
   * Low resolution -> high resolution: an image of `ceil(scale * W) x ceil(scale * H)` (smaller by the
   * network's margins with `border: 'crop'`), same channels as `image`. Memory: the output image plus
   * buffers of the tile size.
   * @throws ShapeError for an empty or malformed image, or one too small for the network.
   * @throws OptionError for a bad option; ValueError for an output too large; AbortError when aborted
   *   (or when the model is disposed during the call).
   */
  upscale(image: Image, opts?: UpscaleOptions): Promise<Image>;
  /** Enhances an image already at the target size (the tutorial's `predict()`); same size with `border: 'keep'`. */
  restore(image: Image, opts?: RestoreOptions): Promise<Image>;
  /**
   * The network alone on a 1-channel float Y plane on the 0..1 scale (Y/255): returns its float32
   * output, same scale, smaller by the margins for 'valid' networks. No clipping or rounding.
   * @throws ShapeError for a plane that is not 1-channel or too small; ValueError for NaN/Infinity.
   */
  superResolveY(y: Plane, opts?: NetworkRunOptions): Promise<Plane<Float32Array>>;
  /** Frees the network and shuts down the backend (and its worker threads) when the model created it; calls still running stop within one tile. */
  dispose(): void;
}

function checkScale(scale: unknown, what: string): number {
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 1) {
    throw new OptionError(`${what}: scale must be a finite number >= 1, got ${String(scale)}`);
  }
  return scale;
}

function checkTileSize(t: unknown, what: string): number {
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t <= 0) throw new OptionError(`${what}: tileSize must be a positive integer, got ${String(t)}`);
  return t;
}

function checkThreads(t: unknown, what: string): number {
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 1) throw new OptionError(`${what}: threads must be an integer >= 1, got ${String(t)}`);
  return t;
}

function checkEnum<T extends string>(v: T | undefined, allowed: readonly T[], def: T, what: string): T {
  if (v === undefined) return def;
  if (!allowed.includes(v)) throw new OptionError(`${what} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${JSON.stringify(v)}`);
  return v;
}

function checkKeys(opts: object, known: ReadonlySet<string>, what: string): void {
  if (opts === null || typeof opts !== 'object') throw new OptionError(`${what}: options must be an object`);
  checkOptionKeys(opts, known, what);
}

/** Validates an Image object (sizes, channels, data length) and returns it. */
function checkImage(image: Image, what: string): Image {
  assertImage(image, what);
  return image;
}

const KNOWN_OPTIONS = new Set(['scale', 'weights', 'arch', 'backend', 'threads', 'spawnWorker', 'spawnTileWorker', 'tileSize']);

/**
 * Fewest tiles per thread for which `upscale`/`restore` run on tile workers: with fewer, whole
 * tiles would leave threads idle, and splitting kernel calls is faster.
 */
export const MIN_TILES_PER_THREAD = 2;
const RUN_KEYS = ['tileSize', 'threads', 'onProgress', 'signal'];
const RUN_OPTIONS = new Set(RUN_KEYS);
const RESTORE_OPTIONS = new Set([...RUN_KEYS, 'border', 'rounding']);
const UPSCALE_OPTIONS = new Set([...RESTORE_OPTIONS, 'scale', 'resize']);

/** A network on a backend, shared by the calls that asked for the same thread count. */
interface Runtime {
  readonly net: Sequential;
  readonly backend: Backend;
  /** The thread count the model created the backend with (that of a given backend otherwise). */
  readonly threads: number;
  /** Calls using it now. */
  users: number;
  /** Replaced or disposed: freed when the last user leaves. */
  retired: boolean;
}

/**
 * `spec` with its image in a SharedArrayBuffer where the runtime has one, so that every tile worker
 * reads the same copy instead of receiving its own.
 */
function shared(spec: TileSourceSpec): TileSourceSpec {
  if (spec.kind !== 'bicubic' || typeof SharedArrayBuffer !== 'function') return spec;
  const data = new Uint8Array(new SharedArrayBuffer(spec.image.data.length));
  data.set(spec.image.data);
  return { ...spec, image: { ...spec.image, data } };
}

class Model implements SrcnnModel {
  readonly scale: number;
  private readonly tileSize: number;
  private readonly arch: string | undefined;
  private readonly backendChoice: BackendChoice;
  private readonly threads: number;
  private readonly spawnWorker: SpawnWasmWorker | undefined;
  private readonly spawnTileWorker: SpawnTileWorker | undefined;
  private readonly source: SrcnnWeights | WeightsLoader;
  private loaded: Promise<SrcnnWeights> | null = null;
  private runtime: Runtime | null = null;
  private tilePool: TilePool | null = null;
  /** Aborted by dispose(): every running call listens to it. */
  private readonly lifetime = new AbortController();

  constructor(opts: SrcnnOptions) {
    for (const k of Object.keys(opts)) if (!KNOWN_OPTIONS.has(k)) throw new OptionError(`srcnn: unknown option '${k}'`);
    const w = opts.weights ?? embeddedWeightsLoader;
    if (typeof w !== 'function') {
      validateWeights(w, 'srcnn weights');
      if (opts.arch !== undefined && w.meta.architecture !== opts.arch) {
        throw new WeightsError(`srcnn: weights are architecture '${w.meta.architecture}', but arch '${opts.arch}' was requested`);
      }
    }
    this.source = w;
    this.arch = opts.arch;
    this.scale = checkScale(opts.scale ?? (typeof w === 'function' ? 3 : w.meta.scale), 'srcnn');
    this.tileSize = checkTileSize(opts.tileSize ?? DEFAULT_TILE_SIZE, 'srcnn');
    this.backendChoice = opts.backend ?? 'auto';
    if (typeof this.backendChoice === 'string' && !['auto', 'js', 'wasm-simd'].includes(this.backendChoice)) {
      throw new OptionError(`srcnn: backend must be a Backend or 'auto', 'js', 'wasm-simd', got '${this.backendChoice}'`);
    }
    const given = typeof this.backendChoice === 'object' ? this.backendChoice : null;
    this.threads = checkThreads(opts.threads ?? given?.threads ?? 1, 'srcnn');
    if (given !== null && this.threads !== given.threads) {
      throw new OptionError(`srcnn: threads ${this.threads} differs from the given backend's ${given.threads}; create the backend with that many threads`);
    }
    this.spawnWorker = opts.spawnWorker;
    if (opts.spawnTileWorker !== undefined && typeof opts.spawnTileWorker !== 'function') {
      throw new OptionError('srcnn: spawnTileWorker must be a function');
    }
    this.spawnTileWorker = opts.spawnTileWorker;
  }

  private get disposed(): boolean {
    return this.lifetime.signal.aborted;
  }

  /** The weights, loaded once; a failed load (missing file, bad weights) is not cached, so the next call tries again. */
  private loadWeights(): Promise<SrcnnWeights> {
    if (this.loaded !== null) return this.loaded;
    const src = this.source;
    const p = typeof src === 'function'
      ? (async () => {
        const arch = this.arch ?? '9-1-5';
        return validateWeights(await src({ scale: this.scale, arch }), `weights for ${arch} x${this.scale}`);
      })()
      : Promise.resolve(src);
    p.catch(() => {
      if (this.loaded === p) this.loaded = null;
    });
    this.loaded = p;
    return p;
  }

  /** The threads of a call, checked against a given backend. */
  private callThreads(t: number | undefined, what: string): number {
    if (t === undefined) return this.threads;
    const n = checkThreads(t, what);
    const choice = this.backendChoice;
    if (typeof choice === 'object' && n !== choice.threads) {
      throw new OptionError(`${what}: threads ${n} differs from the model's backend (${choice.threads} threads, given to srcnn()); create the model with backend: 'wasm-simd' to choose threads per call`);
    }
    return n;
  }

  /** A runtime with `threads` for one call (created, or replacing one with another count); pair with {@link release}. */
  private acquire(weights: SrcnnWeights, threads: number): Runtime {
    let rt = this.runtime;
    if (rt === null || rt.threads !== threads) {
      const choice = this.backendChoice;
      const backend = typeof choice === 'string'
        ? createBackend({ backend: choice, threads, ...(this.spawnWorker === undefined ? {} : { spawnWorker: this.spawnWorker }) })
        : choice;
      let net: Sequential;
      try {
        net = new Sequential(weights, backend);
      } catch (e) {
        if (backend !== choice) backend.dispose();
        throw e;
      }
      const fresh: Runtime = { net, backend, threads, users: 0, retired: false };
      if (rt !== null) this.retire(rt);
      this.runtime = rt = fresh;
    }
    rt.users++;
    return rt;
  }

  private release(rt: Runtime): void {
    rt.users--;
    if (rt.retired && rt.users === 0) this.free(rt);
  }

  private retire(rt: Runtime): void {
    rt.retired = true;
    if (rt.users === 0) this.free(rt);
  }

  private free(rt: Runtime): void {
    rt.net.dispose();
    if (typeof this.backendChoice === 'string') rt.backend.dispose();
  }

  /**
   * Runs `fn` with the weights and a signal that aborts when the caller's `signal` does or when the
   * model is disposed.
   */
  private async linked<T>(signal: AbortSignal | undefined, fn: (weights: SrcnnWeights, signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.disposed) throw new ValueError('srcnn: the model was disposed');
    const link = new AbortController();
    const sources = signal ? [signal, this.lifetime.signal] : [this.lifetime.signal];
    const onAbort = (e: Event): void => link.abort((e.target as AbortSignal).reason);
    for (const s of sources) {
      if (s.aborted) link.abort(s.reason);
      else s.addEventListener('abort', onAbort, { once: true });
    }
    try {
      const weights = await this.loadWeights();
      throwIfAborted(link.signal); // a disposed model must not create a runtime or pool
      return await fn(weights, link.signal);
    } finally {
      for (const s of sources) s.removeEventListener('abort', onAbort);
    }
  }

  /** Runs `fn` on a runtime of `threads` (see {@link acquire}). */
  private async onRuntime<T>(weights: SrcnnWeights, threads: number, fn: (rt: Runtime) => Promise<T>): Promise<T> {
    const rt = this.acquire(weights, threads);
    try {
      return await fn(rt);
    } finally {
      this.release(rt);
    }
  }

  /** The tile pool of `threads` workers (created, or replacing one of another size or a broken one). */
  private pool(spawn: SpawnTileWorker, threads: number): TilePool {
    let p = this.tilePool;
    if (p === null || p.size !== threads || p.broken) {
      p?.close();
      this.tilePool = p = new TilePool(spawn, threads);
    }
    return p;
  }

  async weights(): Promise<SrcnnWeights> {
    if (this.disposed) throw new ValueError('srcnn: the model was disposed');
    return this.loadWeights();
  }

  async superResolveY(y: Plane, opts: NetworkRunOptions = {}): Promise<Plane<Float32Array>> {
    checkKeys(opts, RUN_OPTIONS, 'superResolveY');
    if (y === null || typeof y !== 'object' || !(y.data instanceof Float32Array || y.data instanceof Float64Array)) {
      throw new ShapeError('superResolveY: expected a float Plane { width, height, channels: 1, data }');
    }
    if (y.channels !== 1) throw new ShapeError(`superResolveY: expected a 1-channel Y plane, got ${y.channels} channels`);
    if (!Number.isSafeInteger(y.width) || !Number.isSafeInteger(y.height) || y.width <= 0 || y.height <= 0) {
      throw new ShapeError(`superResolveY: plane size must be positive integers, got ${y.width}x${y.height}`);
    }
    const tileSize = checkTileSize(opts.tileSize ?? this.tileSize, 'superResolveY');
    const threads = this.callThreads(opts.threads, 'superResolveY');
    return this.linked(opts.signal, (weights, signal) => this.onRuntime(weights, threads, (rt) => runTiled(rt.net, y, {
      tileSize,
      signal,
      ...(opts.onProgress ? { onTile: opts.onProgress } : {}),
    })));
  }

  async upscale(image: Image, opts: UpscaleOptions = {}): Promise<Image> {
    checkKeys(opts, UPSCALE_OPTIONS, 'upscale');
    const img = checkImage(image, 'upscale');
    const scale = checkScale(opts.scale ?? this.scale, 'upscale');
    const method = checkEnum(opts.resize, ['matlab', 'opencv-cubic'], 'matlab', 'upscale: resize');
    return this.enhance(bicubicSource(img, scale, method), { kind: 'bicubic', image: img, scale, method }, opts, 'upscale');
  }

  async restore(image: Image, opts: RestoreOptions = {}): Promise<Image> {
    checkKeys(opts, RESTORE_OPTIONS, 'restore');
    const img = checkImage(image, 'restore');
    return this.enhance(imageSource(img), { kind: 'crops', width: img.width, height: img.height, channels: img.channels }, opts, 'restore');
  }

  /**
   * Steps 2 and 3 of the module comment on `source` (the image at the target size), tile by tile:
   * on tile workers (`spec` tells them where the pixels come from) or on this thread.
   */
  private async enhance(source: PixelSource, spec: TileSourceSpec, opts: RestoreOptions, what: string): Promise<Image> {
    const border = checkEnum(opts.border, ['keep', 'crop'], 'keep', `${what}: border`);
    const rounding = checkEnum(opts.rounding, ['round', 'truncate'], 'round', `${what}: rounding`);
    const tileSize = checkTileSize(opts.tileSize ?? this.tileSize, what);
    const threads = this.callThreads(opts.threads, what);
    const onTile = opts.onProgress;
    return this.linked(opts.signal, async (weights, signal) => {
      const options: TileEnhanceOptions = { colour: weights.meta.colour, border, rounding, tileSize };
      const spawn = this.spawnTileWorker;
      const choice = this.backendChoice;
      if (threads > 1 && spawn !== undefined && typeof choice === 'string') {
        const plan = planEnhance(source.width, source.height, netGeometry(weights.layers.map((l) => l.spec)), options);
        if (plan.tiles.length >= MIN_TILES_PER_THREAD * threads) {
          const out = createImage(plan.width, plan.height, source.channels);
          const cn = source.channels;
          await this.pool(spawn, threads).run({
            weights, backend: choice, source: shared(spec), options, tiles: plan.tiles,
            ...(spec.kind === 'crops' ? { crop: (t) => source.read(new Uint8Array(t.src.width * t.src.height * cn), t.src).data as Uint8Array<ArrayBuffer> } : {}),
          }, { onResult: (t) => pasteTile(out, t), signal, ...(onTile ? { onTile } : {}) });
          return out;
        }
      }
      return this.onRuntime(weights, threads, (rt) => enhanceImage(rt.net, source, { ...options, signal, ...(onTile ? { onTile } : {}) }));
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.lifetime.abort(new Error('the model was disposed'));
    const rt = this.runtime;
    this.runtime = null;
    if (rt !== null) this.retire(rt);
    this.tilePool?.close();
    this.tilePool = null;
  }
}

/**
 * Creates an SRCNN model (see the module comment). Weights given directly are validated at once; a
 * loader runs on first use.
 * @example
 * const model = srcnn({ weights: decodeSrcnnWeights(bytes) });
 * const hi = await model.upscale(lowRes, { onProgress: (d, t) => console.log(`${d}/${t}`) });
 * @throws WeightsError when the weights are invalid or none are shipped for `arch` at `scale`; OptionError for bad options.
 */
export function srcnn(opts: SrcnnOptions = {}): SrcnnModel {
  return new Model(opts);
}
