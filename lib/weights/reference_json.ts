/**
 * Reader for the neutral JSON layout of the reference SRCNN weights (shared/reference-weights/README.md):
 *
 * ```
 * { "name", "source", "scale": N, "input": "Y/255", "color": "<description>", "convention": "<description>",
 *   "layers": [{ "kernel": [kh, kw], "in": C, "out": F, "padding": "valid" | "same",
 *                "padding_mode": "replicate" | "zeros"   (optional; 'same' without it means zeros),
 *                "activation": "relu" | "linear", "weights_layout": "OIHW" | "HWIO",
 *                "weights": [flat row-major], "bias": [F values] }, ...] }
 * ```
 *
 * Kernels are cross-correlation kernels (no flip). `HWIO` weights (`[kh, kw, in, out]`, Keras) are
 * converted to OIHW by transposition only. Values are rounded to float32.
 *
 * Mapping to {@link WeightsMeta}:
 * - `colour`: an explicit `"colour": "matlab-y" | "opencv-y"` field wins; otherwise the `color` text decides:
 *   it names MATLAB `rgb2ycbcr` -> `'matlab-y'`, OpenCV / `YCrCb` -> `'opencv-y'`. The text itself is kept
 *   as `meta.colourDescription`.
 * - `architecture`: an explicit `"architecture"` field wins; otherwise the kernel sides (e.g. `'9-5-5'`),
 *   prefixed `'keras-'` when `source` or `convention` mentions Keras (e.g. `'keras-9-3-5'` for the
 *   128-64 tutorial model).
 * - `name`, `source` and every other top-level field except `layers` are copied as they are.
 */
import { DecodeError, WeightsError, fmtShape } from '../errors.js';
import type { Padding, PaddingMode } from '../kernels/conv_info.js';
import { hwioToOihw } from './layout.js';
import { architectureOf, isColourConvention, isPositiveInt, validateWeights } from './types.js';
import type { Activation, ColourConvention, LayerSpec, LayerWeights, SrcnnWeights, WeightsMeta } from './types.js';

/**
 * Parses a reference-weights JSON document into validated {@link SrcnnWeights}.
 *
 * @param source - names the file in errors (default `<json>`).
 * @throws DecodeError when `text` is not JSON or not a JSON object.
 * @throws WeightsError naming the layer and field when a field is missing or invalid, the weight
 *   count does not match the shape, the layers do not chain, or the colour convention cannot be told.
 */
export function parseReferenceJson(text: string, source = '<json>'): SrcnnWeights {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new DecodeError(source, `not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new DecodeError(source, 'the JSON document is not an object');
  const { layers: rawLayers, scale, color, colour, architecture, ...rest } = doc as Record<string, unknown>;

  if (!Array.isArray(rawLayers) || rawLayers.length === 0) throw new WeightsError(`${source}: 'layers' must be a non-empty array`);
  const layers = rawLayers.map((l, i) => parseLayer(l, i, source));

  if (typeof scale !== 'number' || !Number.isSafeInteger(scale) || scale <= 0) {
    throw new WeightsError(`${source}: 'scale' must be a positive integer, got ${JSON.stringify(scale)}`);
  }
  const meta: WeightsMeta = {
    ...rest,
    architecture: architecture === undefined ? defaultArchitecture(layers, rest) : (architecture as string),
    scale,
    colour: colourOf(colour, color, source),
  };
  if (typeof color === 'string') meta.colourDescription = color;
  return validateWeights({ layers, meta }, source);
}

function defaultArchitecture(layers: readonly LayerWeights[], rest: Record<string, unknown>): string {
  const kernels = architectureOf(layers.map((l) => l.spec));
  const mentionsKeras = [rest.source, rest.convention].some((v) => typeof v === 'string' && /keras/i.test(v));
  return mentionsKeras ? `keras-${kernels}` : kernels;
}

function colourOf(colour: unknown, color: unknown, source: string): ColourConvention {
  if (colour !== undefined) {
    if (isColourConvention(colour)) return colour;
    throw new WeightsError(`${source}: 'colour' must be 'matlab-y' or 'opencv-y', got ${JSON.stringify(colour)}`);
  }
  if (typeof color === 'string') {
    if (/rgb2ycbcr/i.test(color)) return 'matlab-y';
    if (/opencv|ycrcb/i.test(color)) return 'opencv-y';
  }
  throw new WeightsError(
    `${source}: cannot tell the colour convention from 'color' ${JSON.stringify(color)} ` +
      `(expected a mention of MATLAB rgb2ycbcr or OpenCV YCrCb, or a 'colour' field 'matlab-y' | 'opencv-y')`,
  );
}

function parseLayer(raw: unknown, i: number, source: string): LayerWeights {
  const at = `${source}: layers[${i}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new WeightsError(`${at} is not an object`);
  const l = raw as Record<string, unknown>;
  const kernel = l.kernel;
  if (!Array.isArray(kernel) || kernel.length !== 2 || !kernel.every(isPositiveInt)) {
    throw new WeightsError(`${at}.kernel must be [kh, kw] positive integers, got ${JSON.stringify(kernel)}`);
  }
  const [kh, kw] = kernel as [number, number];
  if (!isPositiveInt(l.in)) throw new WeightsError(`${at}.in must be a positive integer, got ${JSON.stringify(l.in)}`);
  if (!isPositiveInt(l.out)) throw new WeightsError(`${at}.out must be a positive integer, got ${JSON.stringify(l.out)}`);
  const inC = l.in;
  const out = l.out;
  const padding = oneOf<Padding>(l.padding, ['valid', 'same'], `${at}.padding`);
  const paddingMode = l.padding_mode === undefined ? 'zeros' : oneOf<PaddingMode>(l.padding_mode, ['zeros', 'replicate'], `${at}.padding_mode`);
  const activation = oneOf<Activation>(l.activation, ['relu', 'linear'], `${at}.activation`);
  const layout = oneOf<'OIHW' | 'HWIO'>(l.weights_layout, ['OIHW', 'HWIO'], `${at}.weights_layout`);

  const shape = layout === 'OIHW' ? [out, inC, kh, kw] : [kh, kw, inC, out];
  const flat = toFloat32(l.weights, out * inC * kh * kw, `${at}.weights`, shape);
  const weights = layout === 'OIHW' ? flat : hwioToOihw(flat, kh, kw, inC, out);
  const bias = toFloat32(l.bias, out, `${at}.bias`, [out]);
  const spec: LayerSpec = { kernel: [kh, kw], in: inC, out, padding, paddingMode, activation };
  return { spec, weights, bias };
}

function toFloat32(v: unknown, length: number, name: string, shape: readonly number[]): Float32Array {
  if (!Array.isArray(v)) throw new WeightsError(`${name} must be an array of numbers`);
  if (v.length !== length) throw new WeightsError(`${name} has ${v.length} values, shape ${fmtShape(shape)} needs ${length}`);
  const out = new Float32Array(length);
  for (let k = 0; k < length; k++) {
    const x: unknown = v[k];
    if (typeof x !== 'number') throw new WeightsError(`${name}[${k}] is not a number: ${JSON.stringify(x)}`);
    out[k] = x;
  }
  return out;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], name: string): T {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new WeightsError(`${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${JSON.stringify(v)}`);
}
