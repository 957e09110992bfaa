/**
 * safetensors, the native weight format of srcnn-ts (https://github.com/huggingface/safetensors).
 *
 * File layout:
 * - 8 bytes: `N`, the header length, unsigned 64-bit little-endian;
 * - N bytes: UTF-8 JSON object `{ "<name>": { "dtype", "shape", "data_offsets": [begin, end] }, ...,
 *   "__metadata__": { "<key>": "<string>" } }`, starting with `{` and padded with spaces (0x20) so that
 *   8 + N is a multiple of 8;
 * - the byte buffer: tensors stored little-endian, row-major ('C' order). `data_offsets` are relative to
 *   the start of the byte buffer; the tensors tile it exactly, with no overlap and no hole, and the
 *   last one ends at the end of the file.
 *
 * The encoder writes what the reference Rust serializer writes: compact JSON with `__metadata__` first
 * (only when there is metadata), tensors ordered by decreasing dtype alignment rank then by name
 * (UTF-8 byte order), so every tensor starts at a multiple of its element size.
 *
 * The decoder applies the reference reader's checks (header ≤ 100 MB, header inside the file, valid
 * UTF-8 JSON, offsets contiguous from 0, `end - begin == prod(shape) * itemsize`, buffer fully
 * covered) and copies each tensor into its own aligned typed array, so results never alias the input.
 * Byte order is handled explicitly, so big-endian hosts read and write the same files.
 *
 * The SRCNN layer on top ({@link encodeSrcnnWeights} / {@link decodeSrcnnWeights}) stores layer `i` as
 * `layers.<i>.weight` (F32, OIHW `[out, in, kh, kw]`) and `layers.<i>.bias` (F32, `[out]`).
 */
import { DecodeError, WeightsError, fmtShape } from '../errors.js';
import type { Padding, PaddingMode } from '../kernels/conv_info.js';
import { validateWeights } from './types.js';
import type { Activation, LayerSpec, LayerWeights, SrcnnWeights, WeightsMeta } from './types.js';

/** The dtypes of the safetensors spec. */
export type SafetensorsDtype =
  | 'BOOL' | 'U8' | 'I8' | 'F8_E5M2' | 'F8_E4M3' | 'I16' | 'U16' | 'F16' | 'BF16'
  | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64';

/**
 * The typed array that holds each dtype. Formats JavaScript has no array for keep their raw bits:
 * F16/BF16 as Uint16Array, F8_* as Uint8Array; BOOL is a Uint8Array of 0/1.
 */
export interface SafetensorsArrays {
  BOOL: Uint8Array; U8: Uint8Array; I8: Int8Array; F8_E5M2: Uint8Array; F8_E4M3: Uint8Array;
  I16: Int16Array; U16: Uint16Array; F16: Uint16Array; BF16: Uint16Array;
  I32: Int32Array; U32: Uint32Array; F32: Float32Array; F64: Float64Array;
  I64: BigInt64Array; U64: BigUint64Array;
}

/** A tensor: `data` is row-major with `prod(shape)` elements of the array type of `dtype`. */
export type SafetensorsTensor = {
  [D in SafetensorsDtype]: { dtype: D; shape: number[]; data: SafetensorsArrays[D] };
}[SafetensorsDtype];

/** The decoded content of a safetensors file. */
export interface SafetensorsFile {
  tensors: Record<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

type ArrayCtor = { new (buffer: ArrayBuffer): SafetensorsArrays[SafetensorsDtype]; readonly BYTES_PER_ELEMENT: number };

interface DtypeInfo {
  /** Position in the reference `Dtype` enum (increasing alignment): the encoder sorts by it, descending. */
  rank: number;
  size: number;
  ctor: ArrayCtor;
}

const DTYPES: Readonly<Record<SafetensorsDtype, DtypeInfo>> = {
  BOOL: { rank: 0, size: 1, ctor: Uint8Array },
  U8: { rank: 1, size: 1, ctor: Uint8Array },
  I8: { rank: 2, size: 1, ctor: Int8Array },
  F8_E5M2: { rank: 3, size: 1, ctor: Uint8Array },
  F8_E4M3: { rank: 4, size: 1, ctor: Uint8Array },
  I16: { rank: 5, size: 2, ctor: Int16Array },
  U16: { rank: 6, size: 2, ctor: Uint16Array },
  F16: { rank: 7, size: 2, ctor: Uint16Array },
  BF16: { rank: 8, size: 2, ctor: Uint16Array },
  I32: { rank: 9, size: 4, ctor: Int32Array },
  U32: { rank: 10, size: 4, ctor: Uint32Array },
  F32: { rank: 11, size: 4, ctor: Float32Array },
  F64: { rank: 12, size: 8, ctor: Float64Array },
  I64: { rank: 13, size: 8, ctor: BigInt64Array },
  U64: { rank: 14, size: 8, ctor: BigUint64Array },
};

/** The reference reader's limit on the header length. */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function dtypeInfo(dtype: unknown): DtypeInfo | undefined {
  return typeof dtype === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, dtype)
    ? DTYPES[dtype as SafetensorsDtype]
    : undefined;
}

/** Reverses the byte order of every `size`-byte element of `b` in place (big-endian hosts only). */
function swapBytes(b: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let p = 0; p < b.length; p += size) {
    for (let lo = p, hi = p + size - 1; lo < hi; lo++, hi--) {
      const t = b[lo]!;
      b[lo] = b[hi]!;
      b[hi] = t;
    }
  }
}

/** Defines an own enumerable property, so keys such as `__proto__` stay ordinary data. */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return a.length - b.length;
}

function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Serializes tensors and string metadata to safetensors bytes (see the module comment for the exact
 * layout). `__metadata__` is written only when `metadata` has at least one key. Tensors are not
 * checked for NaN: the format allows any value.
 *
 * @throws WeightsError when a tensor's data is not the typed array of its dtype, its length is not
 *   `prod(shape)`, a dimension is not a non-negative integer, the dtype is unknown, a tensor is named
 *   `__metadata__`, or a metadata value is not a string.
 */
export function encodeSafetensors(
  tensors: Readonly<Record<string, SafetensorsTensor>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const utf8 = new TextEncoder();
  const entries: { name: string; key: Uint8Array; t: SafetensorsTensor; info: DtypeInfo }[] = [];
  for (const name of Object.keys(tensors)) {
    const t = tensors[name]!;
    if (name === METADATA_KEY) throw new WeightsError(`safetensors: a tensor cannot be named '${METADATA_KEY}'`);
    const info = dtypeInfo(t?.dtype);
    if (info === undefined) throw new WeightsError(`safetensors: tensor '${name}' has unknown dtype ${JSON.stringify(t?.dtype)}`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new WeightsError(`safetensors: tensor '${name}' shape must be non-negative integers, got ${JSON.stringify(t.shape)}`);
    }
    if (!(t.data instanceof info.ctor)) {
      throw new WeightsError(`safetensors: tensor '${name}' is ${t.dtype} and needs a ${info.ctor.name}, got ${t.data?.constructor?.name}`);
    }
    if (t.data.length !== shapeSize(t.shape)) {
      throw new WeightsError(`safetensors: tensor '${name}' has ${t.data.length} values, shape ${fmtShape(t.shape)} needs ${shapeSize(t.shape)}`);
    }
    entries.push({ name, key: utf8.encode(name), t, info });
  }
  entries.sort((a, b) => b.info.rank - a.info.rank || compareBytes(a.key, b.key));

  // The header text is assembled by hand: a JS object would move integer-like names ("0", "12")
  // ahead of the others and lose the serializer's order.
  const parts: string[] = [];
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    const meta: string[] = [];
    for (const k of Object.keys(metadata)) {
      const v = metadata[k];
      if (typeof v !== 'string') throw new WeightsError(`safetensors: metadata '${k}' must be a string, got ${typeof v}`);
      meta.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${meta.join(',')}}`);
  }
  let offset = 0;
  for (const e of entries) {
    const end = offset + e.t.data.byteLength;
    parts.push(`${JSON.stringify(e.name)}:${JSON.stringify({ dtype: e.t.dtype, shape: e.t.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  const json = utf8.encode(`{${parts.join(',')}}`);
  const headerLen = json.length + ((8 - (json.length % 8)) % 8);

  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLen % 0x1_0000_0000, true);
  view.setUint32(4, Math.floor(headerLen / 0x1_0000_0000), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let p = 8 + headerLen;
  for (const e of entries) {
    const src = e.t.data;
    const bytes = out.subarray(p, p + src.byteLength);
    bytes.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
    if (!LITTLE_ENDIAN_HOST) swapBytes(bytes, e.info.size);
    p += src.byteLength;
  }
  return out;
}

/**
 * Parses safetensors bytes. Every tensor is copied into a fresh typed array (see
 * {@link SafetensorsArrays}); `metadata` is `{}` when the file has none.
 *
 * @param source - names the file in errors (default `<buffer>`).
 * @throws DecodeError naming `source` (and the tensor, where there is one) when the file is shorter
 *   than 8 bytes, the header is longer than 100 MB or runs past the end, is not UTF-8 JSON starting
 *   with `{`, an entry has an unknown dtype, a bad shape or bad offsets, the offsets overlap, leave a
 *   hole or disagree with `prod(shape) * itemsize`, or the byte buffer has missing or extra bytes.
 */
export function decodeSafetensors(bytes: Uint8Array, source = '<buffer>'): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(source, 'safetensors input must be a Uint8Array');
  if (bytes.length < 8) {
    throw new DecodeError(source, `truncated safetensors file: ${bytes.length} bytes, the header length alone takes 8`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 0x1_0000_0000;
  if (n > MAX_HEADER_BYTES) throw new DecodeError(source, `safetensors header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (8 + n > bytes.length) {
    throw new DecodeError(source, `truncated safetensors file: header length ${n} runs past the end of the ${bytes.length}-byte file`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch (err) {
    throw new DecodeError(source, 'safetensors header is not valid UTF-8', { cause: err });
  }
  if (!text.startsWith('{')) throw new DecodeError(source, "safetensors header does not start with '{'");
  let header: Record<string, unknown>; // an object: the text starts with '{'
  try {
    header = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new DecodeError(source, `safetensors header is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        throw new DecodeError(source, `safetensors ${METADATA_KEY} must be an object of strings`);
      }
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new DecodeError(source, `safetensors ${METADATA_KEY} value '${k}' is not a string`);
        setOwn(metadata, k, v);
      }
      continue;
    }
    entries.push(parseEntry(name, raw, source));
  }

  const bufferStart = 8 + n;
  const bufferLen = bytes.length - bufferStart;
  const byOffset = entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of byOffset) {
    if (e.begin !== expected) {
      throw new DecodeError(
        source,
        `safetensors tensor '${e.name}' starts at byte ${e.begin} of the data, expected ${expected} (tensors must be contiguous, with no overlap or gap)`,
      );
    }
    expected = e.end;
  }
  if (expected !== bufferLen) {
    throw new DecodeError(
      source,
      expected > bufferLen
        ? `truncated safetensors file: tensors need ${expected} data bytes, the file has ${bufferLen}`
        : `safetensors data has ${bufferLen - expected} bytes after the last tensor (${bufferLen} bytes, tensors cover ${expected})`,
    );
  }

  const tensors: Record<string, SafetensorsTensor> = {};
  for (const e of entries) {
    const info = DTYPES[e.dtype];
    // Uint8Array.prototype.slice: a real copy even when `bytes` is a Node Buffer (whose slice is a view).
    const copy = Uint8Array.prototype.slice.call(bytes, bufferStart + e.begin, bufferStart + e.end);
    if (!LITTLE_ENDIAN_HOST) swapBytes(copy, info.size);
    setOwn(tensors, e.name, { dtype: e.dtype, shape: e.shape, data: new info.ctor(copy.buffer) } as SafetensorsTensor);
  }
  return { tensors, metadata };
}

function parseEntry(name: string, raw: unknown, source: string) {
  const where = `safetensors tensor '${name}'`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new DecodeError(source, `${where}: entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  const info = dtypeInfo(dtype);
  if (info === undefined) throw new DecodeError(source, `${where}: unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new DecodeError(source, `${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (
    !Array.isArray(offsets) || offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[1] < offsets[0]
  ) {
    throw new DecodeError(source, `${where}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  const nbytes = shapeSize(shape as number[]) * info.size;
  if (end - begin !== nbytes) {
    throw new DecodeError(
      source,
      `${where}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, ${dtype as string} ${fmtShape(shape as number[])} needs ${nbytes}`,
    );
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end };
}

// ---------------------------------------------------------------------------------------------
// SRCNN weights <-> safetensors
// ---------------------------------------------------------------------------------------------

/** `__metadata__.format` of srcnn-ts weight files. */
export const SRCNN_FORMAT = 'srcnn-ts/1';

/** Metadata keys the SRCNN encoding uses itself; `meta` may not use them for anything else. */
const RESERVED_META = ['format', 'layers', 'json_keys'] as const;

/** Per-layer settings that the tensors do not carry, stored as JSON in `__metadata__.layers`. */
interface StoredLayer {
  padding: Padding;
  paddingMode: PaddingMode;
  activation: Activation;
}

/**
 * Encodes SRCNN weights as safetensors. Tensors: `layers.<i>.weight` (F32, `[out, in, kh, kw]`) and
 * `layers.<i>.bias` (F32, `[out]`). `__metadata__` holds:
 * - `format`: `'srcnn-ts/1'`; `architecture`; `scale` (decimal); `colour`;
 * - `layers`: JSON array of `{ padding, paddingMode, activation }` per layer;
 * - every other `meta` key: strings as they are, other values JSON-encoded and listed in `json_keys`
 *   (a JSON array of key names) so that {@link decodeSrcnnWeights} restores them. `undefined` values
 *   are left out.
 *
 * @throws WeightsError when the weights fail {@link validateWeights}, `meta` uses a reserved key
 *   (`format`, `layers`, `json_keys`) or holds a value JSON cannot encode.
 */
export function encodeSrcnnWeights(w: SrcnnWeights): Uint8Array {
  validateWeights(w, 'encodeSrcnnWeights');
  const tensors: Record<string, SafetensorsTensor> = {};
  const stored: StoredLayer[] = [];
  w.layers.forEach((l, i) => {
    const s = l.spec;
    tensors[`layers.${i}.weight`] = { dtype: 'F32', shape: [s.out, s.in, s.kernel[0], s.kernel[1]], data: l.weights };
    tensors[`layers.${i}.bias`] = { dtype: 'F32', shape: [s.out], data: l.bias };
    stored.push({ padding: s.padding, paddingMode: s.paddingMode, activation: s.activation });
  });
  const { architecture, scale, colour, ...rest } = w.meta;
  const metadata: Record<string, string> = {
    format: SRCNN_FORMAT,
    architecture,
    scale: String(scale),
    colour,
    layers: JSON.stringify(stored),
  };
  const jsonKeys: string[] = [];
  for (const [k, v] of Object.entries(rest)) {
    if ((RESERVED_META as readonly string[]).includes(k)) throw new WeightsError(`encodeSrcnnWeights: meta key '${k}' is reserved`);
    if (v === undefined) continue;
    if (typeof v === 'string') {
      setOwn(metadata, k, v);
      continue;
    }
    let json: string | undefined;
    try {
      json = JSON.stringify(v);
    } catch (err) {
      throw new WeightsError(`encodeSrcnnWeights: meta '${k}' cannot be JSON-encoded (${(err as Error).message})`);
    }
    if (json === undefined) throw new WeightsError(`encodeSrcnnWeights: meta '${k}' (${typeof v}) cannot be JSON-encoded`);
    setOwn(metadata, k, json);
    jsonKeys.push(k);
  }
  if (jsonKeys.length > 0) metadata.json_keys = JSON.stringify(jsonKeys);
  return encodeSafetensors(tensors, metadata);
}

/**
 * Decodes weights written by {@link encodeSrcnnWeights} and validates them.
 *
 * @param source - names the file in errors (default `<buffer>`).
 * @throws DecodeError when the bytes are not a valid safetensors file.
 * @throws WeightsError naming the tensor or metadata key when the file is not `srcnn-ts/1`, a tensor
 *   is missing, unexpected, not F32 or has the wrong shape, the metadata is malformed, or a value is
 *   NaN/±Infinity.
 */
export function decodeSrcnnWeights(bytes: Uint8Array, source = '<buffer>'): SrcnnWeights {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  if (metadata.format !== SRCNN_FORMAT) {
    invalid(
      source,
      metadata.format === undefined
        ? `not an srcnn-ts weights file (__metadata__.format is missing, expected '${SRCNN_FORMAT}')`
        : `unsupported weights format '${metadata.format}' (expected '${SRCNN_FORMAT}')`,
    );
  }
  const stored = parseJsonMeta(metadata, 'layers', source);
  if (!Array.isArray(stored) || stored.length === 0) invalid(source, '__metadata__.layers must be a non-empty JSON array');
  const storedLayers = stored as unknown[];

  const layers: LayerWeights[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < storedLayers.length; i++) {
    const sl = storedLayers[i] as Partial<StoredLayer> | null;
    if (typeof sl !== 'object' || sl === null) invalid(source, `__metadata__.layers[${i}] must be an object`);
    const wName = `layers.${i}.weight`;
    const bName = `layers.${i}.bias`;
    const wt = f32Tensor(tensors, wName, source);
    const bt = f32Tensor(tensors, bName, source);
    seen.add(wName).add(bName);
    if (wt.shape.length !== 4) invalid(source, `${wName} must be OIHW (rank 4), got shape ${fmtShape(wt.shape)}`);
    const [out, inC, kh, kw] = wt.shape as [number, number, number, number];
    if (bt.shape.length !== 1 || bt.shape[0] !== out) {
      invalid(source, `${bName} has shape ${fmtShape(bt.shape)}, expected [${out}] to match ${wName} ${fmtShape(wt.shape)}`);
    }
    const spec: LayerSpec = {
      kernel: [kh, kw],
      in: inC,
      out,
      padding: sl.padding as Padding,
      paddingMode: sl.paddingMode as PaddingMode,
      activation: sl.activation as Activation,
    };
    layers.push({ spec, weights: wt.data, bias: bt.data });
  }
  for (const name of Object.keys(tensors)) {
    if (!seen.has(name)) invalid(source, `unexpected tensor '${name}' (__metadata__.layers describes ${storedLayers.length} layers)`);
  }

  const { format: _format, layers: _layers, json_keys: _jsonKeys, scale, ...rest } = metadata;
  const jsonKeys = metadata.json_keys === undefined ? [] : parseJsonMeta(metadata, 'json_keys', source);
  if (!Array.isArray(jsonKeys) || !jsonKeys.every((k) => typeof k === 'string')) invalid(source, '__metadata__.json_keys must be a JSON array of strings');
  if (scale === undefined || !/^[1-9][0-9]*$/.test(scale)) invalid(source, `__metadata__.scale must be a positive integer, got ${JSON.stringify(scale)}`);
  const meta: Record<string, unknown> = { ...rest, scale: Number(scale) };
  for (const k of jsonKeys as string[]) {
    if (!Object.prototype.hasOwnProperty.call(rest, k)) invalid(source, `__metadata__.json_keys names '${k}', which is missing`);
    setOwn(meta, k, parseJsonMeta(metadata, k, source));
  }
  return validateWeights({ layers, meta: meta as WeightsMeta }, source);
}

function invalid(source: string, problem: string): never {
  throw new WeightsError(`${source}: ${problem}`);
}

function parseJsonMeta(metadata: Record<string, string>, key: string, source: string): unknown {
  const text = metadata[key];
  if (text === undefined) throw new WeightsError(`${source}: __metadata__.${key} is missing`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new WeightsError(`${source}: __metadata__.${key} is not valid JSON (${(err as Error).message})`);
  }
}

function f32Tensor(
  tensors: Record<string, SafetensorsTensor>,
  name: string,
  source: string,
): { shape: number[]; data: Float32Array } {
  const t = Object.prototype.hasOwnProperty.call(tensors, name) ? tensors[name] : undefined;
  if (t === undefined) throw new WeightsError(`${source}: tensor '${name}' is missing`);
  if (t.dtype !== 'F32') throw new WeightsError(`${source}: tensor '${name}' is ${t.dtype}, expected F32`);
  return t;
}
