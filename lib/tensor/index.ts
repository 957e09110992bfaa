/** Strided float32 tensors (NCHW activations, OIHW weights) and ndarray interop. */
export {
  contiguous, denseData, fromArray, fromNdarray, get, hi, isContiguous, lo, pick, reshape, rowMajorStrides, set,
  size, slice, toNdarray, transpose, zeros,
} from './tensor.js';
export type { Tensor } from './tensor.js';
