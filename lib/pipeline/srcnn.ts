/**
 * The user-facing SRCNN model: `srcnn(opts)` returns a {@link SrcnnModel} whose `upscale()` takes a
 * low-resolution 8-bit image to high resolution, as the paper's pipeline does:
 *
 * 1. bicubic pre-upscaling of every channel by `scale` (MATLAB `imresize` bicubic by default, as the
 *    authors; or OpenCV `INTER_CUBIC`), output size `ceil(scale * W) x ceil(scale * H)`;
 * 2. Y of the bicubic image with the weights' convention (`meta.colour`, see `pipeline/luma.ts`), as
 *    Y/255 through the network, tile by tile with bounded memory (`model/tiling.ts`, exact);
 * 3. the network's Y x 255, clipped and quantised to 8 bits, recombined with the bicubic image's chroma
 *    (and alpha), converted back with the same convention. Gray stays gray; the output has the input's
 *    channel layout.
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
import { assertImage, createPlane, type Image, type Plane } from '../image/image.js';
import { imresizeU8 } from '../image/imresize.js';
import { resize } from '../image/resize/index.js';
import { DEFAULT_TILE_SIZE, runTiled } from '../model/tiling.js';
import { Sequential } from '../nn/sequential.js';
import { validateWeights, type SrcnnWeights } from '../weights/types.js';
import { mergeLuma, splitLuma, type Rounding } from './luma.js';

/** Where weights come from when they are not given directly: called once, on first use. */
export type WeightsLoader = (request: { scale: number; arch: string }) => SrcnnWeights | Promise<SrcnnWeights>;

/** A backend, or the name of one for `createBackend` ('auto' picks the fastest available). */
export type BackendChoice = Backend | 'auto' | BackendName;

/** Bicubic pre-upscaling: MATLAB `imresize(.., 'bicubic')` (a = -0.5, the authors') or OpenCV `INTER_CUBIC` (a = -0.75). */
export type ResizeMethod = 'matlab' | 'opencv-cubic';

/** What to do with the pixels a 'valid' network cannot compute (see the module comment). */
export type BorderMode = 'keep' | 'crop';

/** Options of {@link srcnn}. */
export interface SrcnnOptions {
  /**
   * Upscaling factor of {@link SrcnnModel.upscale}.
   * @defaultValue the weights' `meta.scale`; 3 when weights come from a loader
   */
  scale?: number;
  /** The network's weights, or a loader for them. @defaultValue none: a WeightsError says how to get some */
  weights?: SrcnnWeights | WeightsLoader;
  /**
   * Architecture name: selects what a loader loads, and given weights must have this `meta.architecture`.
   * @defaultValue '9-1-5' for loaders; not checked for given weights
   */
  arch?: string;
  /** Compute backend. @defaultValue 'auto' */
  backend?: BackendChoice;
  /** Threads for a backend created from a name ('wasm-simd' with more than 1 needs `spawnWorker`). @defaultValue 1 */
  threads?: number;
  /** Starts worker threads for a 'wasm-simd' backend created from a name (Node: `spawnNodeWasmWorker`). */
  spawnWorker?: SpawnWasmWorker;
  /** Default output tile side of every call. @defaultValue {@link DEFAULT_TILE_SIZE} */
  tileSize?: number;
}

/** Options of {@link SrcnnModel.superResolveY}. */
export interface NetworkRunOptions {
  /** Output tile side in pixels (memory bound). @defaultValue the model's `tileSize` */
  tileSize?: number;
  /** Progress after each tile: tiles done, total. */
  onProgress?: (done: number, total: number) => void;
  /** Cancels between tiles (AbortError). */
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
   * network's margins with `border: 'crop'`), same channels as `image`.
   * @throws ShapeError for an empty or malformed image, or one too small for the network.
   * @throws OptionError for a bad option; AbortError when aborted.
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
  /** Frees the network (and the backend, when the model created it). */
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

function checkEnum<T extends string>(v: T | undefined, allowed: readonly T[], def: T, what: string): T {
  if (v === undefined) return def;
  if (!allowed.includes(v)) throw new OptionError(`${what} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${JSON.stringify(v)}`);
  return v;
}

/** Validates an Image object (sizes, channels, data length) and returns it. */
function checkImage(image: Image, what: string): Image {
  assertImage(image, what);
  return image;
}

const KNOWN_OPTIONS = new Set(['scale', 'weights', 'arch', 'backend', 'threads', 'spawnWorker', 'tileSize']);

class Model implements SrcnnModel {
  readonly scale: number;
  private readonly tileSize: number;
  private readonly arch: string | undefined;
  private readonly backendChoice: BackendChoice;
  private readonly threads: number | undefined;
  private readonly spawnWorker: SpawnWasmWorker | undefined;
  private readonly source: SrcnnWeights | WeightsLoader;
  private state: Promise<{ weights: SrcnnWeights; net: Sequential; backend: Backend }> | null = null;
  private disposed = false;

  constructor(opts: SrcnnOptions) {
    for (const k of Object.keys(opts)) if (!KNOWN_OPTIONS.has(k)) throw new OptionError(`srcnn: unknown option '${k}'`);
    const w = opts.weights;
    if (w === undefined) {
      throw new WeightsError(
        "srcnn: no weights given. Pass `weights` (e.g. decodeSrcnnWeights(bytes) or parseReferenceJson(text)), or in Node use srcnn from 'srcnn-ts/node', which loads the shipped weights/srcnn-9-1-5-x<scale>.safetensors",
      );
    }
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
    this.threads = opts.threads;
    this.spawnWorker = opts.spawnWorker;
  }

  private ready(): Promise<{ weights: SrcnnWeights; net: Sequential; backend: Backend }> {
    if (this.disposed) return Promise.reject(new ValueError('srcnn: the model was disposed'));
    if (this.state !== null) return this.state;
    const p = (async () => {
      const src = this.source;
      let weights: SrcnnWeights;
      if (typeof src === 'function') {
        const arch = this.arch ?? '9-1-5';
        weights = validateWeights(await src({ scale: this.scale, arch }), `weights for ${arch} x${this.scale}`);
      } else {
        weights = src;
      }
      const choice = this.backendChoice;
      const backend = typeof choice === 'string'
        ? createBackend({
          backend: choice,
          ...(this.threads === undefined ? {} : { threads: this.threads }),
          ...(this.spawnWorker === undefined ? {} : { spawnWorker: this.spawnWorker }),
        })
        : choice;
      return { weights, net: new Sequential(weights, backend), backend };
    })();
    // A failed load (missing file, bad weights) is not cached: the next call tries again.
    p.catch(() => {
      if (this.state === p) this.state = null;
    });
    this.state = p;
    return p;
  }

  async weights(): Promise<SrcnnWeights> {
    return (await this.ready()).weights;
  }

  async superResolveY(y: Plane, opts: NetworkRunOptions = {}): Promise<Plane<Float32Array>> {
    if (y === null || typeof y !== 'object' || !(y.data instanceof Float32Array || y.data instanceof Float64Array)) {
      throw new ShapeError('superResolveY: expected a float Plane { width, height, channels: 1, data }');
    }
    if (y.channels !== 1) throw new ShapeError(`superResolveY: expected a 1-channel Y plane, got ${y.channels} channels`);
    if (!Number.isSafeInteger(y.width) || !Number.isSafeInteger(y.height) || y.width <= 0 || y.height <= 0) {
      throw new ShapeError(`superResolveY: plane size must be positive integers, got ${y.width}x${y.height}`);
    }
    const { net } = await this.ready();
    const tileSize = checkTileSize(opts.tileSize ?? this.tileSize, 'superResolveY');
    return runTiled(net, y, {
      tileSize,
      ...(opts.onProgress ? { onTile: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  async upscale(image: Image, opts: UpscaleOptions = {}): Promise<Image> {
    const img = checkImage(image, 'upscale');
    const scale = checkScale(opts.scale ?? this.scale, 'upscale');
    const method = checkEnum(opts.resize, ['matlab', 'opencv-cubic'], 'matlab', 'upscale: resize');
    const outW = Math.ceil(scale * img.width), outH = Math.ceil(scale * img.height);
    const up = method === 'matlab' ? imresizeU8(img, { scale }) : resize(img, outW, outH, 'cubic');
    return this.enhance(up, opts, 'upscale');
  }

  async restore(image: Image, opts: RestoreOptions = {}): Promise<Image> {
    return this.enhance(checkImage(image, 'restore'), opts, 'restore');
  }

  /** Steps 2 and 3 of the module comment on an image at the target size. */
  private async enhance(img: Image, opts: RestoreOptions, what: string): Promise<Image> {
    const border = checkEnum(opts.border, ['keep', 'crop'], 'keep', `${what}: border`);
    const rounding = checkEnum(opts.rounding, ['round', 'truncate'], 'round', `${what}: rounding`);
    const { weights, net } = await this.ready();
    const split = splitLuma(img, weights.meta.colour);
    const y = split.y;
    const yIn = createPlane(y.width, y.height, 1);
    for (let i = 0; i < y.data.length; i++) yIn.data[i] = y.data[i]! / 255;
    const yOut = await this.superResolveY(yIn, opts);
    const m = net.margin();
    const rect = { x: m.left, y: m.top, width: yOut.width, height: yOut.height };
    if (border === 'crop') {
      const v = new Float64Array(yOut.data.length);
      for (let i = 0; i < v.length; i++) v[i] = yOut.data[i]! * 255;
      return mergeLuma(split, v, rect, rounding);
    }
    const full = Float64Array.from(y.data);
    for (let r = 0; r < rect.height; r++) {
      const o = (rect.y + r) * y.width + rect.x, s = r * rect.width;
      for (let c = 0; c < rect.width; c++) full[o + c] = yOut.data[s + c]! * 255;
    }
    return mergeLuma(split, full, { x: 0, y: 0, width: y.width, height: y.height }, rounding);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const st = this.state;
    this.state = null;
    const ownsBackend = typeof this.backendChoice === 'string';
    void st?.then(({ net, backend }) => {
      net.dispose();
      if (ownsBackend) backend.dispose();
    }, () => undefined);
  }
}

/**
 * Creates an SRCNN model (see the module comment). Weights given directly are validated at once; a
 * loader runs on first use.
 * @example
 * const model = srcnn({ weights: decodeSrcnnWeights(bytes) });
 * const hi = await model.upscale(lowRes, { onProgress: (d, t) => console.log(`${d}/${t}`) });
 * @throws WeightsError when no weights are given or they are invalid; OptionError for bad options.
 */
export function srcnn(opts: SrcnnOptions = {}): SrcnnModel {
  return new Model(opts);
}
