import type { ConvInfo } from '../kernels/conv_info.js';

/** One layer of {@link Backend.conv2dPair}: the arguments of a {@link Backend.conv2d} call. */
export interface ConvStep {
  readonly w: Float32Array;
  readonly bias: Float32Array | null;
  readonly info: ConvInfo;
  readonly relu: boolean;
}

/** Names of the compute backends. 'js' is scalar TypeScript (the reference); 'wasm-simd' is emitted at run time. */
export type BackendName = 'js' | 'wasm-simd';

/**
 * The kernels a model runs on. Every method writes into its first argument(s) and returns it;
 * nothing here allocates per call in steady state (scratch space is pooled by the backend).
 * All buffers are dense row-major float32: activations NCHW, weights OIHW.
 *
 * Buffers passed to a backend should come from its {@link Backend.alloc}: for 'wasm-simd' those live
 * in the module's memory and are used without copying; any other Float32Array is copied in and out.
 */
export interface Backend {
  readonly name: BackendName;
  /** Number of threads kernels may use (1 = the calling thread only). */
  readonly threads: number;

  /** A zero-filled float32 buffer the kernels can use without copying. */
  alloc(length: number): Float32Array;
  /** Returns a buffer from {@link alloc} to the backend (optional to call; 'js' ignores it). */
  free(buf: Float32Array): void;

  /**
   * C = alpha * op(A) * op(B) + beta * C, row-major. op(A) is m x k, op(B) is k x n, C is m x n.
   * `lda/ldb/ldc` are row strides of A, B, C as stored (before transposition). beta = 0 ignores C's
   * previous contents (NaN included).
   */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number,
    beta: number, c: Float32Array, ldc: number,
  ): Float32Array;

  /** y = conv(x, w) + bias, then ReLU when `relu`. `bias` may be null. */
  conv2d(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, info: ConvInfo, relu: boolean): Float32Array;

  /**
   * y = second(first(x)): a convolution followed by a pointwise one (1x1, no padding; SRCNN 9-1-5's
   * first two layers), with the values of two {@link conv2d} calls, bit for bit, but without storing
   * the intermediate activation whole where the backend can avoid it ('wasm-simd' runs the second
   * layer on each chunk of the first's output while that chunk is in cache).
   * @throws ShapeError when `second` is not pointwise or does not read `first`'s output.
   */
  conv2dPair(y: Float32Array, x: Float32Array, first: ConvStep, second: ConvStep): Float32Array;

  /** dx = gradient of sum(dy * conv(x, w)) w.r.t. x (padding folded back, replicate borders accumulate). */
  conv2dBackpropInput(dx: Float32Array, dy: Float32Array, w: Float32Array, info: ConvInfo): Float32Array;

  /** dw (OIHW) and db (per output channel, may be null) = gradients w.r.t. weights and bias. Overwrites. */
  conv2dBackpropFilter(dw: Float32Array, db: Float32Array | null, x: Float32Array, dy: Float32Array, info: ConvInfo): Float32Array;

  /**
   * dx = dy where y > 0, else 0, for the first `length` elements: the ReLU gradient through its
   * output y (0 at y = 0 and for a NaN y). dx may be dy (masking in place) or y. Overwrites.
   */
  reluBackward(dx: Float32Array, dy: Float32Array, y: Float32Array, length: number): Float32Array;

  /**
   * Frees the backend's pooled scratch memory (allocated again when a kernel next needs it), so that
   * the buffers of a larger workload can reuse the space instead of growing memory past holes.
   * Buffers from {@link alloc} are not affected.
   */
  releaseScratch(): void;

  /** Releases threads and memory. The backend must not be used afterwards. */
  dispose(): void;
}
