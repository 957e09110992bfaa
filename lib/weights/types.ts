/**
 * The in-memory description of an SRCNN-style network: a chain of stride-1 2-D cross-correlations,
 * each followed by an activation. Every importer (safetensors, reference JSON, Keras HDF5) produces a
 * {@link SrcnnWeights}, and the model code builds its layers from it.
 *
 * Conventions (fixed for the whole library):
 * - Weights are **OIHW**, row-major: `weights[((o * in + i) * kh + r) * kw + c]`, where `r` is the kernel
 *   row (image y, top to bottom) and `c` the kernel column (image x, left to right).
 * - Kernels are applied as **cross-correlation** (no 180-degree flip), the deep-learning convention:
 *   `y[o][p][q] = bias[o] + sum_{i,r,c} W[o][i][r][c] * xpad[i][p + r - padT][q + c - padL]`
 *   (see `kernels/conv_info.ts` for the padding geometry). Importers convert other layouts (Keras HWIO)
 *   by transposition only.
 * - Values are float32.
 */
import { WeightsError, fmtShape } from '../errors.js';
import type { Padding, PaddingMode } from '../kernels/conv_info.js';

/** Activation after a convolution: `relu` = max(0, x), `linear` = identity. */
export type Activation = 'relu' | 'linear';

/**
 * One convolution layer. `paddingMode` only matters when `padding` is `'same'`; importers set it to
 * `'zeros'` for `'valid'` layers.
 */
export interface LayerSpec {
  /** Kernel size [kh, kw]. */
  kernel: [number, number];
  /** Input channels. */
  in: number;
  /** Output channels (filters). */
  out: number;
  padding: Padding;
  paddingMode: PaddingMode;
  activation: Activation;
}

/** A layer's parameters. */
export interface LayerWeights {
  spec: LayerSpec;
  /** OIHW, row-major, length `out * in * kh * kw`. */
  weights: Float32Array;
  /** Length `out`. */
  bias: Float32Array;
}

/**
 * Which Y channel the network expects as input (divided by 255):
 * - `matlab-y`: MATLAB `rgb2ycbcr` (BT.601 studio range, Y in 16..235), used by the authors' models.
 * - `opencv-y`: OpenCV `cvtColor(BGR2YCrCb)` (full range 0..255), used by the Keras tutorial model.
 */
export type ColourConvention = 'matlab-y' | 'opencv-y';

/** Description and provenance. Extra keys (training command, steps, data checksum, PSNR...) are free-form. */
export interface WeightsMeta {
  /** Kernel sizes joined by '-', e.g. '9-5-5'; importers may prefix the family, e.g. 'keras-9-3-5'. */
  architecture: string;
  /** Upscaling factor the weights were trained for (positive integer). */
  scale: number;
  colour: ColourConvention;
  name?: string;
  /** Where the weights came from (repository path, file name...). */
  source?: string;
  [key: string]: unknown;
}

/** A whole network: layers in forward order plus metadata. */
export interface SrcnnWeights {
  layers: LayerWeights[];
  meta: WeightsMeta;
}

const PADDINGS: readonly Padding[] = ['valid', 'same'];
const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'replicate'];
const ACTIVATIONS: readonly Activation[] = ['relu', 'linear'];
const COLOURS: readonly ColourConvention[] = ['matlab-y', 'opencv-y'];

/** True for the two supported {@link ColourConvention} names. */
export function isColourConvention(v: unknown): v is ColourConvention {
  return (COLOURS as readonly unknown[]).includes(v);
}

/**
 * The kernel-size name of an architecture: kernel sides joined by '-', e.g. '9-5-5' for the
 * paper's 9x9, 5x5, 5x5 network. A non-square kernel is written 'khxkw' (e.g. '9x7').
 */
export function architectureOf(specs: readonly LayerSpec[]): string {
  return specs.map((s) => (s.kernel[0] === s.kernel[1] ? `${s.kernel[0]}` : `${s.kernel[0]}x${s.kernel[1]}`)).join('-');
}

/** True for a safe integer > 0 (a layer's channel count, a scale). */
export function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

/**
 * Checks that `w` describes a runnable network and returns it unchanged:
 * - at least one layer; kernel sides, `in`, `out` are positive integers; padding, padding mode and
 *   activation are known names;
 * - the chain fits: `layers[i].out === layers[i + 1].in`;
 * - `weights` is a Float32Array of length `out * in * kh * kw` and `bias` one of length `out`;
 * - every value is finite (the first NaN or ±Infinity is reported with its tensor, flat index and
 *   OIHW coordinates);
 * - `meta.architecture` is a non-empty string, `meta.scale` a positive integer, `meta.colour` known.
 *
 * @param where - names the weights in messages (file name or `<buffer>`).
 * @throws WeightsError naming the layer and tensor at fault.
 */
export function validateWeights(w: SrcnnWeights, where: string): SrcnnWeights {
  const layers = w?.layers;
  if (!Array.isArray(layers) || layers.length === 0) throw new WeightsError(`${where}: the network has no layers`);
  for (let li = 0; li < layers.length; li++) {
    const layer = layers[li]!;
    const name = `layers.${li}`;
    const s = layer?.spec;
    if (s === undefined || s === null) throw new WeightsError(`${where}: ${name} has no spec`);
    if (!Array.isArray(s.kernel) || s.kernel.length !== 2 || !isPositiveInt(s.kernel[0]) || !isPositiveInt(s.kernel[1])) {
      throw new WeightsError(`${where}: ${name}.kernel must be two positive integers [kh, kw], got ${JSON.stringify(s.kernel)}`);
    }
    if (!isPositiveInt(s.in)) throw new WeightsError(`${where}: ${name}.in must be a positive integer, got ${String(s.in)}`);
    if (!isPositiveInt(s.out)) throw new WeightsError(`${where}: ${name}.out must be a positive integer, got ${String(s.out)}`);
    if (!PADDINGS.includes(s.padding)) {
      throw new WeightsError(`${where}: ${name}.padding must be 'valid' or 'same', got ${JSON.stringify(s.padding)}`);
    }
    if (!PADDING_MODES.includes(s.paddingMode)) {
      throw new WeightsError(`${where}: ${name}.paddingMode must be 'zeros' or 'replicate', got ${JSON.stringify(s.paddingMode)}`);
    }
    if (!ACTIVATIONS.includes(s.activation)) {
      throw new WeightsError(`${where}: ${name}.activation must be 'relu' or 'linear', got ${JSON.stringify(s.activation)}`);
    }
    if (li > 0 && layers[li - 1]!.spec.out !== s.in) {
      throw new WeightsError(
        `${where}: layers.${li - 1} outputs ${layers[li - 1]!.spec.out} channels but ${name} expects ${s.in} inputs`,
      );
    }
    const [kh, kw] = s.kernel;
    const shape = [s.out, s.in, kh, kw];
    checkTensor(layer.weights, s.out * s.in * kh * kw, `${where}: ${name}.weight`, shape);
    checkTensor(layer.bias, s.out, `${where}: ${name}.bias`, [s.out]);
  }
  const meta = w.meta;
  if (meta === undefined || meta === null) throw new WeightsError(`${where}: meta is missing`);
  if (typeof meta.architecture !== 'string' || meta.architecture === '') {
    throw new WeightsError(`${where}: meta.architecture must be a non-empty string, got ${JSON.stringify(meta.architecture)}`);
  }
  if (!isPositiveInt(meta.scale)) throw new WeightsError(`${where}: meta.scale must be a positive integer, got ${String(meta.scale)}`);
  if (!isColourConvention(meta.colour)) {
    throw new WeightsError(`${where}: meta.colour must be 'matlab-y' or 'opencv-y', got ${JSON.stringify(meta.colour)}`);
  }
  return w;
}

/** Type, length and finiteness of one parameter tensor; `shape` is used to locate a bad value. */
function checkTensor(a: unknown, length: number, name: string, shape: readonly number[]): void {
  if (!(a instanceof Float32Array)) throw new WeightsError(`${name} must be a Float32Array`);
  if (a.length !== length) {
    throw new WeightsError(`${name} has ${a.length} values, shape ${fmtShape(shape)} needs ${length}`);
  }
  for (let k = 0; k < length; k++) {
    const v = a[k]!;
    if (v - v !== 0) {
      throw new WeightsError(`${name}[${k}] (index ${fmtShape(unravel(k, shape))} of ${fmtShape(shape)}) is ${v}`);
    }
  }
}

/** Row-major multi-index of flat index `k` in `shape`. */
function unravel(k: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d]!;
    k = Math.floor(k / shape[d]!);
  }
  return idx;
}
