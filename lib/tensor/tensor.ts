/**
 * A minimal strided float32 tensor in the scijs/ndarray style: element `(i0, i1, ...)` lives at
 * `data[offset + i0*strides[0] + i1*strides[1] + ...]`. Views (`lo`, `hi`, `slice`, `pick`,
 * `transpose`, `reshape`) share `data` and cost O(rank); only {@link contiguous} and
 * {@link fromArray} (for non-Float32Array input) copy.
 *
 * Layout conventions of srcnn-ts: activations are NCHW, convolution weights are OIHW, both dense
 * row-major. Kernels take dense buffers only; get one with {@link denseData} (asserts contiguity,
 * no copy) or {@link contiguous} (copies).
 *
 * @see https://github.com/scijs/ndarray (same view semantics: `lo`, `hi`, `pick`, `transpose`)
 */
import ndarray from 'ndarray';
import { ShapeError, fmtShape } from '../errors.js';

/** A strided view onto a Float32Array. Strides may be zero or negative (e.g. from ndarray `step(-1)`). */
export interface Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

function checkShape(shape: readonly number[], what: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${what}: shape ${fmtShape(shape)} must hold non-negative integers`);
    n *= d;
  }
  return n;
}

/** Dense row-major strides of `shape` (last axis has stride 1). */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Number of elements (product of the shape; 1 for rank 0). */
export function size(t: Tensor): number {
  let n = 1;
  for (const d of t.shape) n *= d;
  return n;
}

/** A new zero-filled dense tensor. @throws ShapeError for negative or non-integer dimensions. */
export function zeros(shape: readonly number[]): Tensor {
  const n = checkShape(shape, 'zeros');
  return { data: new Float32Array(n), shape: shape.slice(), strides: rowMajorStrides(shape), offset: 0 };
}

/**
 * A dense tensor of `shape` over `data` (row-major). A Float32Array is wrapped without copying;
 * any other array-like is copied (and rounded) into a new Float32Array.
 * @throws ShapeError when `data.length` is not the product of `shape`.
 */
export function fromArray(data: Float32Array | ArrayLike<number>, shape: readonly number[]): Tensor {
  const n = checkShape(shape, 'fromArray');
  if (data.length !== n) {
    throw new ShapeError(`fromArray: shape ${fmtShape(shape)} needs ${n} values, got ${data.length}`);
  }
  const buf = data instanceof Float32Array ? data : Float32Array.from(data);
  return { data: buf, shape: shape.slice(), strides: rowMajorStrides(shape), offset: 0 };
}

/** Formats slice bounds for messages; `null` (whole axis) prints as `:`. */
function fmtBounds(b: readonly (number | null)[]): string {
  return `[${b.map((v) => (v === null ? ':' : String(v))).join(', ')}]`;
}

function checkIndex(t: Tensor, idx: readonly number[], what: string): void {
  if (idx.length !== t.shape.length) {
    throw new ShapeError(`${what}: ${idx.length} indices for a tensor of shape ${fmtShape(t.shape)}`);
  }
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= t.shape[i]!) {
      throw new ShapeError(`${what}: index ${fmtShape(idx)} is out of bounds for shape ${fmtShape(t.shape)}`);
    }
  }
}

/** Reads element `idx` (bounds-checked; for tests and setup code, not hot loops). */
export function get(t: Tensor, ...idx: number[]): number {
  checkIndex(t, idx, 'get');
  let p = t.offset;
  for (let i = 0; i < idx.length; i++) p += idx[i]! * t.strides[i]!;
  return t.data[p]!;
}

/** Writes element `idx` (bounds-checked; for tests and setup code, not hot loops). */
export function set(t: Tensor, value: number, ...idx: number[]): void {
  checkIndex(t, idx, 'set');
  let p = t.offset;
  for (let i = 0; i < idx.length; i++) p += idx[i]! * t.strides[i]!;
  t.data[p] = value;
}

/**
 * View starting at `starts` (ndarray `lo`): axis i keeps indices `starts[i] .. shape[i]-1`.
 * `null` or a missing entry leaves the axis alone. O(rank), no copy.
 */
export function lo(t: Tensor, ...starts: (number | null)[]): Tensor {
  return slice(t, starts, []);
}

/**
 * View truncated to `ends` (ndarray `hi`): axis i keeps indices `0 .. ends[i]-1`.
 * `null` or a missing entry leaves the axis alone. O(rank), no copy.
 */
export function hi(t: Tensor, ...ends: (number | null)[]): Tensor {
  return slice(t, [], ends);
}

/**
 * View of the box `begin[i] <= index < end[i]` on each axis (`null` or missing = whole axis).
 * O(rank), no copy. An image crop of rows 10..19, cols 5..14 of an NCHW tensor is
 * `slice(t, [null, null, 10, 5], [null, null, 20, 15])`.
 * @throws ShapeError when a bound is out of range or begin > end.
 */
export function slice(t: Tensor, begin: readonly (number | null)[], end: readonly (number | null)[]): Tensor {
  const rank = t.shape.length;
  if (begin.length > rank || end.length > rank) {
    throw new ShapeError(`slice: bounds ${fmtBounds(begin)}..${fmtBounds(end)} have more axes than shape ${fmtShape(t.shape)}`);
  }
  const shape = t.shape.slice();
  let offset = t.offset;
  for (let i = 0; i < rank; i++) {
    const b = begin[i] ?? 0;
    const e = end[i] ?? t.shape[i]!;
    if (!Number.isInteger(b) || !Number.isInteger(e) || b < 0 || e > t.shape[i]! || b > e) {
      throw new ShapeError(`slice: bounds ${fmtBounds(begin)}..${fmtBounds(end)} do not fit shape ${fmtShape(t.shape)} (axis ${i})`);
    }
    shape[i] = e - b;
    offset += b * t.strides[i]!;
  }
  return { data: t.data, shape, strides: t.strides.slice(), offset };
}

/**
 * View with the axes given a number fixed at that index and removed (ndarray `pick`): for NCHW,
 * `pick(t, 0, 2)` is channel 2 of image 0 as an HxW tensor. `null` or a missing entry keeps the axis.
 */
export function pick(t: Tensor, ...idx: (number | null)[]): Tensor {
  const rank = t.shape.length;
  if (idx.length > rank) throw new ShapeError(`pick: ${idx.length} indices for shape ${fmtShape(t.shape)}`);
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = t.offset;
  for (let i = 0; i < rank; i++) {
    const v = idx[i];
    if (v === null || v === undefined) {
      shape.push(t.shape[i]!);
      strides.push(t.strides[i]!);
    } else {
      if (!Number.isInteger(v) || v < 0 || v >= t.shape[i]!) {
        throw new ShapeError(`pick: index ${v} out of range for axis ${i} of shape ${fmtShape(t.shape)}`);
      }
      offset += v * t.strides[i]!;
    }
  }
  return { data: t.data, shape, strides, offset };
}

/**
 * View with the axes permuted: result axis i is input axis `axes[i]` (ndarray `transpose`). With no
 * `axes`, reverses them. O(rank), no copy; the result is usually not contiguous.
 */
export function transpose(t: Tensor, ...axes: number[]): Tensor {
  const rank = t.shape.length;
  const perm = axes.length ? axes : t.shape.map((_, i) => rank - 1 - i);
  const sorted = perm.slice().sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((a, i) => a !== i)) {
    throw new ShapeError(`transpose: axes ${fmtShape(perm)} are not a permutation for shape ${fmtShape(t.shape)}`);
  }
  return { data: t.data, shape: perm.map((a) => t.shape[a]!), strides: perm.map((a) => t.strides[a]!), offset: t.offset };
}

/** True when the elements are dense and row-major from `offset` (size-1 axes may have any stride). */
export function isContiguous(t: Tensor): boolean {
  let expect = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    const d = t.shape[i]!;
    if (d === 0) return true;
    if (d !== 1 && t.strides[i] !== expect) return false;
    expect *= d;
  }
  return true;
}

/**
 * The dense elements of a contiguous tensor as a `subarray` of its data (no copy): what kernels take.
 * @throws ShapeError when `t` is not contiguous (call {@link contiguous} first).
 */
export function denseData(t: Tensor): Float32Array {
  if (!isContiguous(t)) {
    throw new ShapeError(`tensor of shape ${fmtShape(t.shape)} with strides ${fmtShape(t.strides)} is not contiguous; call contiguous() first`);
  }
  return t.data.subarray(t.offset, t.offset + size(t));
}

/** A dense row-major copy of `t` in a new buffer (always copies, even when `t` is contiguous). */
export function contiguous(t: Tensor): Tensor {
  const out = zeros(t.shape);
  const n = out.data.length;
  if (n === 0) return out;
  const dst = out.data;
  const src = t.data;
  const rank = t.shape.length;
  if (rank === 0) {
    dst[0] = src[t.offset]!;
    return out;
  }
  // Odometer over all but the last axis; the last axis is a strided inner loop.
  const shape = t.shape;
  const strides = t.strides;
  const last = rank - 1;
  const inner = shape[last]!;
  const innerStride = strides[last]!;
  const idx = new Array<number>(rank).fill(0);
  let base = t.offset;
  for (let o = 0; o < n; o += inner) {
    for (let j = 0, p = base; j < inner; j++, p += innerStride) dst[o + j] = src[p]!;
    for (let ax = last - 1; ax >= 0; ax--) {
      idx[ax]!++;
      base += strides[ax]!;
      if (idx[ax]! < shape[ax]!) break;
      base -= idx[ax]! * strides[ax]!;
      idx[ax] = 0;
    }
  }
  return out;
}

/**
 * A view of a contiguous tensor with a new shape of the same size (no copy), e.g. an HxW plane as
 * `[1, 1, H, W]`. @throws ShapeError when sizes differ or `t` is not contiguous.
 */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  const n = checkShape(shape, 'reshape');
  if (n !== size(t)) throw new ShapeError(`reshape: cannot view shape ${fmtShape(t.shape)} as ${fmtShape(shape)} (sizes differ)`);
  if (!isContiguous(t)) throw new ShapeError(`reshape: tensor of shape ${fmtShape(t.shape)} is not contiguous; call contiguous() first`);
  return { data: t.data, shape: shape.slice(), strides: rowMajorStrides(shape), offset: t.offset };
}

/** An ndarray over the same Float32Array, shape, strides and offset (no copy). */
export function toNdarray(t: Tensor): ndarray.NdArray<Float32Array> {
  return ndarray(t.data, t.shape.slice(), t.strides.slice(), t.offset);
}

/**
 * A Tensor from an ndarray. A float32 ndarray is wrapped with its own strides and offset (no copy,
 * writes are shared); any other dtype is copied into a new dense Float32Array.
 */
export function fromNdarray(nd: ndarray.NdArray<ndarray.Data<number>>): Tensor {
  if (nd.data instanceof Float32Array) {
    return { data: nd.data, shape: nd.shape.slice(), strides: nd.stride.slice(), offset: nd.offset };
  }
  const out = zeros(nd.shape);
  const n = out.data.length;
  const rank = nd.shape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < n; o++) {
    out.data[o] = nd.get(...idx);
    for (let ax = rank - 1; ax >= 0; ax--) {
      if (++idx[ax]! < nd.shape[ax]!) break;
      idx[ax] = 0;
    }
  }
  return out;
}
