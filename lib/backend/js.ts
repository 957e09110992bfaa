/**
 * The 'js' backend: the scalar TypeScript kernels of lib/kernels on the calling thread. It is the
 * reference every other backend is tested against, and runs anywhere (no WASM, no workers).
 */
import type { Backend, ConvStep } from './backend.js';
import { checkConvPair, type ConvInfo } from '../kernels/conv_info.js';
import { BackendError } from '../errors.js';
import { gemm } from '../kernels/gemm.js';
import { conv2d } from '../kernels/conv2d.js';
import { conv2dBackpropInput } from '../kernels/conv2d_backprop_input.js';
import { conv2dBackpropFilter } from '../kernels/conv2d_backprop_filter.js';
import { reluBackward } from '../kernels/relu_backward.js';

/**
 * Creates a 'js' backend: `threads` = 1, `alloc` = `new Float32Array(length)`, `free` does nothing.
 * Scratch space (GEMM packing, im2col bands) is module-level and shared by every 'js' backend in
 * the same thread. After {@link Backend.dispose} every method throws BackendError.
 */
export function createJsBackend(): Backend {
  let disposed = false;
  /** conv2dPair's intermediate activation (grown to the largest seen; dropped by releaseScratch). */
  let mid = new Float32Array(0);
  const live = (): void => {
    if (disposed) throw new BackendError("the 'js' backend was disposed; create a new one with createJsBackend()");
  };
  return {
    name: 'js',
    threads: 1,
    alloc(length: number): Float32Array {
      live();
      return new Float32Array(length);
    },
    free(): void {},
    gemm(
      transA: boolean, transB: boolean, m: number, n: number, k: number,
      alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number,
      beta: number, c: Float32Array, ldc: number,
    ): Float32Array {
      live();
      return gemm(c, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, ldc);
    },
    conv2d(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, info: ConvInfo, relu: boolean): Float32Array {
      live();
      return conv2d(y, x, w, bias, info, relu);
    },
    conv2dPair(y: Float32Array, x: Float32Array, first: ConvStep, second: ConvStep): Float32Array {
      live();
      checkConvPair(first.info, second.info);
      const { batch, outC, outH, outW } = first.info;
      const n = batch * outC * outH * outW;
      if (mid.length < n) mid = new Float32Array(n);
      const t = mid.subarray(0, n);
      conv2d(t, x, first.w, first.bias, first.info, first.relu);
      return conv2d(y, t, second.w, second.bias, second.info, second.relu);
    },
    conv2dBackpropInput(dx: Float32Array, dy: Float32Array, w: Float32Array, info: ConvInfo): Float32Array {
      live();
      return conv2dBackpropInput(dx, dy, w, info);
    },
    conv2dBackpropFilter(dw: Float32Array, db: Float32Array | null, x: Float32Array, dy: Float32Array, info: ConvInfo): Float32Array {
      live();
      return conv2dBackpropFilter(dw, db, x, dy, info);
    },
    reluBackward(dx: Float32Array, dy: Float32Array, y: Float32Array, length: number): Float32Array {
      live();
      return reluBackward(dx, dy, y, length);
    },
    /**
     * Drops conv2dPair's intermediate buffer; the kernels' scratch is module-level, shared with every
     * 'js' backend of the thread, and garbage collected.
     */
    releaseScratch(): void {
      live();
      mid = new Float32Array(0);
    },
    dispose(): void {
      disposed = true;
      mid = new Float32Array(0);
    },
  };
}
