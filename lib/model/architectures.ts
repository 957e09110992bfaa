/**
 * SRCNN layer layouts by name.
 *
 * - `'9-1-5'`, `'9-3-5'`, `'9-5-5'` (any `'f1-f2-f3'`): the paper's three-layer network (Dong et al.,
 *   arXiv 1501.00092, Sec. 3): f1 x f1 conv 1 -> n1 + ReLU, f2 x f2 conv n1 -> n2 + ReLU, f3 x f3 conv
 *   n2 -> 1, with n1 = 64, n2 = 32. By default every layer is `'same'` with **replicate** borders, which
 *   is how the authors' `SRCNN.m` runs it at test time (`imfilter(..., 'same', 'replicate')`), so the
 *   output has the input's size. Training in the paper used `'valid'` layers (33x33 input -> 21x21 for
 *   9-1-5); pass `{ padding: 'valid' }` for that.
 * - `'keras-9-3-5'`: the Keras tutorial model (MarkPrecursor/SRCNN-keras): 9x9 1 -> 128 valid + ReLU,
 *   3x3 128 -> 64 same (zero padding) + ReLU, 5x5 64 -> 1 valid. The output is 12 px smaller per axis.
 */
import { OptionError } from '../errors.js';
import type { Padding, PaddingMode } from '../kernels/conv_info.js';
import type { LayerSpec } from '../weights/types.js';

/** Options of {@link architecture} (ignored by `'keras-9-3-5'`, whose layout is fixed). */
export interface ArchitectureOptions {
  /** Filters of the first two layers [n1, n2]. @defaultValue [64, 32] */
  filters?: readonly [number, number];
  /** Padding of every layer. @defaultValue 'same' */
  padding?: Padding;
  /** Border mode of 'same' layers. @defaultValue 'replicate' */
  paddingMode?: PaddingMode;
  /** Input = output channels. @defaultValue 1 (the Y channel) */
  channels?: number;
}

/** Names with a fixed meaning; any other `'f1-f2-f3'` of positive integers is accepted as well. */
export const ARCHITECTURES = ['9-1-5', '9-3-5', '9-5-5', 'keras-9-3-5'] as const;

const KERAS: readonly LayerSpec[] = Object.freeze([
  { kernel: [9, 9], in: 1, out: 128, padding: 'valid', paddingMode: 'zeros', activation: 'relu' },
  { kernel: [3, 3], in: 128, out: 64, padding: 'same', paddingMode: 'zeros', activation: 'relu' },
  { kernel: [5, 5], in: 64, out: 1, padding: 'valid', paddingMode: 'zeros', activation: 'linear' },
] satisfies LayerSpec[]);

function positiveInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw new OptionError(`architecture: ${what} must be a positive integer, got ${String(v)}`);
  return v;
}

/**
 * The layer specs of a named architecture (fresh objects, safe to modify).
 * @throws OptionError for an unknown name or a bad option.
 */
export function architecture(name: string, opts: ArchitectureOptions = {}): LayerSpec[] {
  if (name === 'keras-9-3-5') return KERAS.map((s) => ({ ...s, kernel: [s.kernel[0], s.kernel[1]] }));
  const m = /^(\d+)-(\d+)-(\d+)$/.exec(name);
  if (m === null) {
    throw new OptionError(`unknown architecture '${name}': use ${ARCHITECTURES.map((a) => `'${a}'`).join(', ')} or 'f1-f2-f3' kernel sizes`);
  }
  const [f1, f2, f3] = [m[1], m[2], m[3]].map((k, i) => positiveInt(Number(k), `kernel ${i + 1} of '${name}'`)) as [number, number, number];
  const [n1, n2] = opts.filters ?? [64, 32];
  positiveInt(n1, 'filters[0]');
  positiveInt(n2, 'filters[1]');
  const c = positiveInt(opts.channels ?? 1, 'channels');
  const padding = opts.padding ?? 'same';
  if (padding !== 'same' && padding !== 'valid') throw new OptionError(`architecture: padding must be 'same' or 'valid', got '${String(padding)}'`);
  const paddingMode = opts.paddingMode ?? 'replicate';
  if (paddingMode !== 'replicate' && paddingMode !== 'zeros') {
    throw new OptionError(`architecture: paddingMode must be 'replicate' or 'zeros', got '${String(paddingMode)}'`);
  }
  const mode: PaddingMode = padding === 'valid' ? 'zeros' : paddingMode;
  return [
    { kernel: [f1, f1], in: c, out: n1, padding, paddingMode: mode, activation: 'relu' },
    { kernel: [f2, f2], in: n1, out: n2, padding, paddingMode: mode, activation: 'relu' },
    { kernel: [f3, f3], in: n2, out: c, padding, paddingMode: mode, activation: 'linear' },
  ];
}
