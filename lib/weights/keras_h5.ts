/**
 * Reader for Keras HDF5 weight files (`model.save_weights('x.h5')` or `model.save('x.h5')`), such as
 * MarkPrecursor/SRCNN-keras `3051crop_weight_200.h5`, through the pure-JS `jsfive` HDF5 reader.
 *
 * Layouts understood:
 * - Keras 1 / Keras 2 `save_weights`: the root has attribute `layer_names`; each layer group has
 *   attribute `weight_names`, the dataset paths relative to that group (`convolution2d_1_W:0` in
 *   Keras 1, `conv2d_1/kernel:0` in Keras 2).
 * - Keras 2 `save`: the same under the `model_weights` group.
 *
 * Every layer with weights must be a Conv2D: one rank-4 kernel, stored HWIO `[kh, kw, in, out]`
 * (TensorFlow ordering), and one rank-1 bias. Kernels are converted to OIHW by transposition only,
 * without a flip: the TensorFlow backend computes a cross-correlation, like srcnn-ts. Files saved
 * with `backend: theano` (flipped kernels) are refused.
 *
 * The file holds neither padding nor activations. Defaults: activations ReLU for every layer but the
 * last, which is linear; paddings {@link KERAS_TUTORIAL_PADDINGS} (valid / same with zeros / valid,
 * the SRCNN-keras tutorial network) for a 3-layer file. Pass `paddings` / `activations` for others.
 *
 * Robustness: truncation is caught before jsfive runs (superblock end-of-file address), and whatever
 * jsfive throws is wrapped in a DecodeError. Files in the default (earliest) HDF5 format carry no
 * checksums, so a corrupt data byte can go unnoticed, and jsfive allocates whatever a corrupt
 * attribute dataspace claims, so such a file can exhaust memory: only read HDF5 files you would also
 * load in Keras.
 */
import { File as H5File, Dataset as H5Dataset, Group as H5Group } from 'jsfive';
import { DecodeError, OptionError, SrcnnError, WeightsError, fmtShape } from '../errors.js';
import { checkOptionKeys } from '../util/options.js';
import type { Padding, PaddingMode } from '../kernels/conv_info.js';
import { hwioToOihw } from './layout.js';
import { architectureOf, isColourConvention, validateWeights } from './types.js';
import type { Activation, ColourConvention, LayerWeights, SrcnnWeights, WeightsMeta } from './types.js';

/** Padding of one layer; `paddingMode` defaults to `'zeros'` (Keras pads with zeros). */
export interface KerasPadding {
  padding: Padding;
  paddingMode?: PaddingMode;
}

/** Options of {@link parseKerasH5}. Unknown keys throw. */
export interface KerasH5Options {
  /** Upscaling factor the weights were trained for (the file does not record it). */
  scale: number;
  /** Input convention. @defaultValue 'opencv-y' (the Keras tutorial uses OpenCV's YCrCb). */
  colour?: ColourConvention;
  /** One entry per conv layer. @defaultValue {@link KERAS_TUTORIAL_PADDINGS} for 3 layers; required otherwise. */
  paddings?: readonly KerasPadding[];
  /** One entry per conv layer. @defaultValue 'relu' for every layer but the last, 'linear' for the last. */
  activations?: readonly Activation[];
  /** Stored as `meta.name`. */
  name?: string;
}

/**
 * Paddings of the SRCNN-keras / xoraus tutorial network: 9x9 valid, 3x3 same (zero padding), 5x5 valid,
 * so the output is 12 px smaller than the input (shared/reference-weights/keras_3051crop_weight_200).
 */
export const KERAS_TUTORIAL_PADDINGS: readonly Required<KerasPadding>[] = Object.freeze([
  Object.freeze({ padding: 'valid', paddingMode: 'zeros' } as const),
  Object.freeze({ padding: 'same', paddingMode: 'zeros' } as const),
  Object.freeze({ padding: 'valid', paddingMode: 'zeros' } as const),
]);

const OPTION_KEYS = ['scale', 'colour', 'paddings', 'activations', 'name'];
/**
 * Bound on a dataset's decoded size relative to the file size (zlib's maximum expansion is about
 * 1032:1), so a corrupt shape cannot make jsfive build a huge array.
 */
const MAX_EXPANSION = 1032;

/**
 * Parses a Keras HDF5 weights file into validated OIHW {@link SrcnnWeights}. `meta.architecture` is
 * `'keras-'` plus the kernel sides (e.g. `'keras-9-3-5'`); `meta.kerasLayers` lists the layer groups.
 *
 * @param source - names the file in errors (default `<h5>`).
 * @throws OptionError for a bad or unknown option, or paddings/activations of the wrong length.
 * @throws DecodeError naming `source` when the bytes are not a readable HDF5 file (no signature,
 *   shorter than its superblock says, corrupt) or lack the Keras structure (`layer_names`, layer
 *   groups, datasets). Errors thrown inside jsfive are wrapped, with the original as `cause`.
 * @throws WeightsError naming the layer and dataset when a layer is not a Conv2D, a dtype is not
 *   float32/float64, shapes disagree, the layers do not chain, a value is NaN/±Infinity, or the file
 *   comes from the Theano backend.
 */
export function parseKerasH5(bytes: Uint8Array, opts: KerasH5Options, source = '<h5>'): SrcnnWeights {
  checkOptions(opts);
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(source, 'HDF5 input must be a Uint8Array');
  const read = <T>(what: string, fn: () => T): T => readH5(source, what, fn);

  checkHdf5Length(bytes, source);
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : Uint8Array.prototype.slice.call(bytes).buffer; // a copy, also for Node Buffers (their slice is a view)
  const file = read('not a readable HDF5 file', () => new H5File(buffer, source));
  const fileAttrs = read('reading root attributes', () => file.attrs);
  const root = fileAttrs.layer_names === undefined && read('listing the root group', () => file.keys).includes('model_weights')
    ? asGroup(read("opening 'model_weights'", () => file.get('model_weights')), 'model_weights', source)
    : file;
  const attrs = read(`reading attributes of '${root.name}'`, () => root.attrs);
  if (stringList(attrs.backend)?.[0] === 'theano') {
    throw new WeightsError(`${source}: saved with the Theano backend (flipped, OIHW-ordered kernels); only TensorFlow-backend files are supported`);
  }
  const layerNames = stringList(attrs.layer_names);
  if (layerNames === undefined) {
    throw new DecodeError(source, `no 'layer_names' attribute on '${root.name}': not a Keras HDF5 weights file`);
  }

  const convs: { layer: string; kernel: Float32Array; kshape: number[]; bias: Float32Array; bname: string }[] = [];
  for (const layer of layerNames) {
    const group = asGroup(read(`opening layer group '${layer}'`, () => root.get(layer)), layer, source);
    const rawNames = read(`reading attributes of '${layer}'`, () => group.attrs.weight_names);
    const weightNames = rawNames === undefined ? [] : stringList(rawNames);
    if (weightNames === undefined) throw new DecodeError(source, `layer '${layer}': 'weight_names' is not a list of strings`);
    if (weightNames.length === 0) continue; // input, activation, dropout... layers carry no weights
    const tensors = weightNames.map((wn) => readDataset(group, layer, wn, bytes.length, source));
    const kernel = tensors.find((t) => t.shape.length === 4);
    const bias = tensors.find((t) => t.shape.length === 1);
    if (tensors.length !== 2 || kernel === undefined || bias === undefined) {
      throw new WeightsError(
        `${source}: layer '${layer}' holds ${tensors.map((t) => `${t.name} ${fmtShape(t.shape)}`).join(', ')}; ` +
          'only Conv2D layers (an HWIO kernel and a bias) are supported',
      );
    }
    convs.push({ layer, kernel: kernel.data, kshape: kernel.shape, bias: bias.data, bname: bias.name });
  }
  if (convs.length === 0) throw new WeightsError(`${source}: no layer with weights (layer_names: ${layerNames.join(', ')})`);

  const paddings = opts.paddings ?? (convs.length === KERAS_TUTORIAL_PADDINGS.length ? KERAS_TUTORIAL_PADDINGS : undefined);
  if (paddings === undefined) {
    throw new OptionError(`parseKerasH5: ${source} has ${convs.length} conv layers; pass 'paddings' (one per layer), the default only fits the 3-layer tutorial network`);
  }
  if (paddings.length !== convs.length) throw new OptionError(`parseKerasH5: 'paddings' has ${paddings.length} entries, ${source} has ${convs.length} conv layers`);
  const activations = opts.activations ?? convs.map((_, i): Activation => (i === convs.length - 1 ? 'linear' : 'relu'));
  if (activations.length !== convs.length) {
    throw new OptionError(`parseKerasH5: 'activations' has ${activations.length} entries, ${source} has ${convs.length} conv layers`);
  }

  const layers: LayerWeights[] = convs.map((c, i) => {
    const [kh, kw, inC, out] = c.kshape as [number, number, number, number];
    if (c.bias.length !== out) {
      throw new WeightsError(`${source}: ${c.bname} has ${c.bias.length} values, the HWIO kernel ${fmtShape(c.kshape)} of '${c.layer}' has ${out} filters`);
    }
    const p = paddings[i]!;
    return {
      spec: { kernel: [kh, kw], in: inC, out, padding: p.padding, paddingMode: p.paddingMode ?? 'zeros', activation: activations[i]! },
      weights: hwioToOihw(c.kernel, kh, kw, inC, out),
      bias: c.bias,
    };
  });
  const meta: WeightsMeta = {
    architecture: `keras-${architectureOf(layers.map((l) => l.spec))}`,
    scale: opts.scale,
    colour: opts.colour ?? 'opencv-y',
    ...(opts.name === undefined ? {} : { name: opts.name }),
    source,
    kerasLayers: convs.map((c) => c.layer),
  };
  return validateWeights({ layers, meta }, source);
}

function checkOptions(opts: KerasH5Options): void {
  if (typeof opts !== 'object' || opts === null) throw new OptionError('parseKerasH5: options { scale } are required');
  checkOptionKeys(opts, OPTION_KEYS, 'parseKerasH5');
  if (!Number.isSafeInteger(opts.scale) || opts.scale <= 0) throw new OptionError(`parseKerasH5: 'scale' must be a positive integer, got ${String(opts.scale)}`);
  if (opts.colour !== undefined && !isColourConvention(opts.colour)) {
    throw new OptionError(`parseKerasH5: 'colour' must be 'matlab-y' or 'opencv-y', got ${JSON.stringify(opts.colour)}`);
  }
  if (opts.name !== undefined && typeof opts.name !== 'string') throw new OptionError(`parseKerasH5: 'name' must be a string`);
  if (opts.paddings !== undefined && (!Array.isArray(opts.paddings) || !opts.paddings.every((p) => typeof p === 'object' && p !== null))) {
    throw new OptionError(`parseKerasH5: 'paddings' must be an array of { padding, paddingMode? }`);
  }
  if (opts.activations !== undefined && !Array.isArray(opts.activations)) throw new OptionError(`parseKerasH5: 'activations' must be an array`);
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // "\x89HDF\r\n\x1a\n"

/**
 * Checks the HDF5 signature at offset 0 and that the file is as long as its superblock says
 * (`base address + end-of-file address`), as the HDF5 library does ("truncated file"). jsfive reads
 * lazily and would otherwise accept some truncated files. Superblock layouts (HDF5 file format spec
 * II.A): version 0 has the base address at byte 24 and the end-of-file address at 40; versions 2
 * and 3 at 12 and 28. Other versions are left for jsfive to reject.
 */
function checkHdf5Length(bytes: Uint8Array, source: string): void {
  if (bytes.length < 8 || HDF5_SIGNATURE.some((b, k) => bytes[k] !== b)) {
    throw new DecodeError(source, `not an HDF5 file (no HDF5 signature at offset 0; ${bytes.length} bytes)`);
  }
  const version = bytes.length > 8 ? bytes[8] : undefined;
  const at = version === 0 ? { base: 24, eof: 40 } : version === 2 || version === 3 ? { base: 12, eof: 28 } : undefined;
  if (at === undefined) return;
  if (bytes.length < at.eof + 8) throw new DecodeError(source, `truncated HDF5 file: ${bytes.length} bytes end inside the superblock`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (p: number) => view.getUint32(p, true) + view.getUint32(p + 4, true) * 0x1_0000_0000;
  const end = u64(at.base) + u64(at.eof);
  if (end > bytes.length) throw new DecodeError(source, `truncated HDF5 file: the superblock records ${end} bytes, got ${bytes.length}`);
}

/**
 * Runs a jsfive call and turns whatever it throws (Errors, RangeErrors from reads past the end,
 * plain strings) into a DecodeError naming the file.
 */
function readH5<T>(source: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SrcnnError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new DecodeError(source, `${what} (corrupt or truncated HDF5: ${detail})`, { cause: err });
  }
}

function asGroup(obj: H5Group | H5Dataset | null, path: string, source: string): H5Group {
  if (!(obj instanceof H5Group)) throw new DecodeError(source, `'${path}' is not an HDF5 group`);
  return obj;
}

/**
 * A string-list attribute. jsfive gives a string array (a single string for a scalar) and keeps the
 * NUL padding of fixed-length strings (h5py writes Keras' name lists as NULPAD byte strings, padded to
 * the longest name), so trailing NULs are stripped as numpy does.
 */
function stringList(v: unknown): string[] | undefined {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) return undefined;
  return (list as string[]).map((s) => s.replace(/\0+$/, ''));
}

function readDataset(group: H5Group, layer: string, weightName: string, fileBytes: number, source: string) {
  const name = `${layer}/${weightName}`;
  const read = <T>(what: string, fn: () => T): T => readH5(source, `${what} '${name}'`, fn);
  const ds = read('opening dataset', () => group.get(weightName));
  if (!(ds instanceof H5Dataset)) throw new DecodeError(source, `'${name}' is not an HDF5 dataset`);
  const dtype = read('reading the dtype of', () => ds.dtype);
  if (typeof dtype !== 'string' || !/^[<>]f[48]$/.test(dtype)) {
    throw new WeightsError(`${source}: '${name}' has dtype ${JSON.stringify(dtype)}, expected float32 or float64`);
  }
  const shape: unknown = read('reading the shape of', () => ds.shape);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new DecodeError(source, `'${name}' has an invalid shape ${JSON.stringify(shape)}`);
  }
  const n = (shape as number[]).reduce((a, d) => a * d, 1);
  if (n * Number(dtype.slice(2)) > MAX_EXPANSION * fileBytes) {
    throw new DecodeError(source, `'${name}' claims shape ${fmtShape(shape as number[])}, implausible for a ${fileBytes}-byte file`);
  }
  const raw: unknown = read('reading', () => ds.value);
  if (!Array.isArray(raw) && !ArrayBuffer.isView(raw)) throw new DecodeError(source, `'${name}' has no readable data`);
  const values = raw as ArrayLike<unknown>;
  if (values.length !== n) {
    throw new DecodeError(source, `'${name}' holds ${values.length} values, its shape ${fmtShape(shape as number[])} needs ${n}`);
  }
  const data = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const x = values[k];
    if (typeof x !== 'number') throw new DecodeError(source, `'${name}'[${k}] is not a number`);
    data[k] = x;
  }
  return { name, shape: (shape as number[]).slice(), data };
}
