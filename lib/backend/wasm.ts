/**
 * The 'wasm-simd' backend: kernels emitted at run time as WebAssembly SIMD128 (lib/wasm/kernels.ts),
 * running on one WebAssembly.Memory, optionally on several threads sharing it (lib/wasm/pool.ts).
 *
 * - gemm: BLIS-style (Goto & van de Geijn 2008). A is packed once per call into MR-row panels (all
 *   of it: the A operands here are weights or gradients, a few MB at most); B is packed per chunk of
 *   columns (NC) and per k block (KC) into NR-column panels; the micro-kernel keeps an MR x NR tile
 *   in registers. m = 1 (and beta = 0, B not transposed) streams B's rows instead (axpy_rows).
 * - conv2d: im2col + GEMM where im2col never exists as a matrix. Mostly the micro-kernel reads B
 *   in place (macro_direct, one output row per call), gathering each depth through the im2col
 *   offset table; 1x1 layers and narrow rows pack B instead, the packing gathering the patch
 *   elements through offset tables straight into the NR-column panels of one chunk (see
 *   readsInPlace). 'same' padding is done per chunk of rows into the thread's scratch (BandPad),
 *   or, when that band does not fit, into a padded copy of the whole input first. A single output
 *   channel (SRCNN's last layer) uses a dot-product kernel over image rows instead of GEMM, in
 *   passes of M1_K_BLOCK depths.
 * - conv2dPair: a convolution read in place and the pointwise layer after it, chunk by chunk, the
 *   intermediate rows staying in the thread's scratch (ConvPairJob); bit-identical to two conv2d
 *   calls, which it falls back to when the first layer packs or the chunk does not fit.
 * - conv2dBackpropInput: the transposed convolution as a forward convolution of dy (zero-padded by
 *   k-1) with the flipped, in/out-swapped weights, giving the gradient of the padded input, then
 *   the padding is folded back (dropped for zeros, added onto the edge pixels for replicate).
 * - conv2dBackpropFilter: dW = dY * cols^T as one GEMM whose reduction runs over batch x pixels,
 *   with cols^T gathered by the same B packing; fewer than MR output channels use direct
 *   correlation (corr_taps) instead; db = row sums of dY.
 *
 * Results do not depend on the thread count (bit-identical): work is split into chunks of whole
 * output columns (or rows, or weight rows), each reduced in a fixed order by one thread.
 *
 * Buffers from {@link Backend.alloc} live in the module's memory and are used in place; any other
 * Float32Array is copied into scratch memory (and outputs copied back).
 */
import { BackendError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { checkConvPair, type ConvInfo } from '../kernels/conv_info.js';
import { WasmHeap } from '../wasm/heap.js';
import { JobKind, runChunk, type BandPad, type Job, type ThreadScratch } from '../wasm/jobs.js';
import { EpilogueFlag, KERNEL_NAMES, buildKernelModule, type KernelExports, type KernelSpec } from '../wasm/kernels.js';
import { CONTROL_WORDS, WasmThreadPool, type SpawnWasmWorker } from '../wasm/pool.js';
import { relaxedSimdSupported, sharedMemorySupported, simdSupported, wasmApi, type WasmMemory } from '../wasm/runtime.js';
import type { Backend, ConvStep } from './backend.js';

/** Options of {@link createWasmBackend}. */
export interface WasmBackendOptions {
  /**
   * Threads per kernel call, the caller included. More than 1 needs shared memory and `spawnWorker`.
   * @defaultValue 1
   */
  threads?: number;
  /** Starts a worker thread (Node: `spawnNodeWasmWorker` from lib/node/wasm_workers.ts). */
  spawnWorker?: SpawnWasmWorker;
  /**
   * Use the relaxed-SIMD fused multiply-add. 'auto' uses it when the runtime validates
   * `f32x4.relaxed_madd` without flags (not Node 20); `true` throws where it does not validate.
   * @defaultValue 'auto'
   */
  fma?: boolean | 'auto';
  /**
   * 'shared': a shared WebAssembly.Memory (needed for threads; views from alloc stay valid when it
   * grows). 'private': an ordinary memory, as where SharedArrayBuffer is unavailable (a page that is
   * not cross-origin isolated); alloc then returns plain arrays, which kernels copy in and out,
   * because a private memory's views detach when it grows. 'auto' = 'shared' where supported.
   * @defaultValue 'auto'
   */
  memory?: 'auto' | 'shared' | 'private';
}

/**
 * Register tiles (V8 allocates xmm0-xmm14 in WebAssembly). With mul + add: 4 rows x 8 columns
 * (8 accumulators + 4 A splats + 2 B vectors + 1 temporary = 15). With fused multiply-add:
 * 3 x 12 (9 accumulators + 3 + 3 = 15, no temporary); FMA's longer latency needs the ninth
 * accumulator. Measured at 512^3 on one thread (Node 20 with --experimental-wasm-relaxed-simd):
 * 4x8 FMA 56 GFLOP/s against 4x8 mul+add 58-59; anchors/wasm-simd.md found 3x12 FMA at 61-62.
 */
export const TILE_MUL_ADD = { mr: 4, nr: 8 } as const;
export const TILE_FMA = { mr: 3, nr: 12 } as const;
/**
 * Cache blocking: depth of a packed block, rows per macro call, most columns per chunk. A macro call
 * sweeps its MC x KC block of packed A once per NR-column panel of B, so the block (32 KiB) and one
 * B panel (8 KiB) share L1 (48 KiB on both machines measured). With MC = 128 a 64-row A block
 * (64 KiB) streamed from L2 instead: Keras 3x3 128->64 at 512^2 took 975 ms against 904 with
 * MC = 32 (MC = 16: 908; KC = 384: no better); square GEMMs did not change.
 */
export const BLOCKING = { kc: 256, mc: 32, nc: 4096 } as const;
/** Bytes of each thread's scratch block: one packed B block, or a padded band of input rows. */
const SCRATCH_BYTES = 4 * BLOCKING.kc * BLOCKING.nc;
/**
 * A convolution reads B in place (macro_direct, one output row per call) unless rounding the row up
 * to whole NR-column panels would waste more than this fraction of the work (narrow images, such as
 * training patches, whose panels are better packed across rows).
 */
const DIRECT_MAX_WASTE = 1 / 8;
/**
 * Depths per pass of the single-output-channel kernel over an output row. One pass over all depths
 * reads kH x inC input rows side by side (160 for 5x5 on 32 channels), more streams than the
 * prefetchers follow, so each block of 24 pixels waited on L2; passes of 200 depths (40 rows for
 * 5x5) add their partial sums into the row instead. 9-1-5's last layer at 512^2: 17.3 -> 14.9 ms;
 * Keras 5x5 64->1: 29.5 -> 23.4 ms (blocks of 100-400 measured within noise of 200).
 */
const M1_K_BLOCK = 200;
/** Pixels a single-output-channel chunk should cover (whole rows). */
const M1_CHUNK_PIXELS = 4096;
/**
 * Fewest columns per chunk of the single-row GEMM (m = 1). Chunks are as wide as possible (n split
 * evenly between threads): B's rows are then read in long contiguous runs, which DRAM streams twice
 * as fast as 4 KB pieces of many rows.
 */
const ROW_GEMM_MIN_BLOCK = 4096;
/** Memory limits in 64 KiB pages (2 GiB maximum keeps every address a positive int32). */
const INITIAL_PAGES = 256;
const MAX_PAGES = 32768;
const MAX_THREADS = 64;
/**
 * Chunks per thread a job is cut into at least: with dynamic scheduling, a thread that is
 * descheduled while holding a chunk delays the call by at most one chunk, so finer chunks keep
 * the tail short on a busy machine.
 */
const CHUNKS_PER_THREAD = 8;
/** Fewest packed floats of A for which packing is split over the threads. */
const PARALLEL_PACK_A_FLOATS = 1 << 18;
/** Fewest floats per chunk of the ReLU gradient (smaller chunks cost more in hand-off than they save). */
const RELU_GRAD_MIN_BLOCK = 16384;
/** Offset tables kept between calls (they depend only on shapes, which repeat). */
const TABLE_CACHE_BYTES = 32 << 20;

interface Slot {
  ptr: number;
  bytes: number;
}

function need(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

function checkLength(op: string, what: string, arr: Float32Array, n: number, shape: readonly number[]): void {
  if (!(arr instanceof Float32Array)) throw new ValueError(`${op}: ${what} must be a Float32Array`);
  if (arr.length < n) throw new ShapeError(`${op}: ${what} has ${arr.length} elements, ${fmtShape(shape)} needs ${n}`);
}

function checkDim(op: string, what: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new ValueError(`${op}: ${what} must be an integer >= ${min}, got ${v}`);
}

function checkFinite(op: string, what: string, v: number): void {
  if (!Number.isFinite(v)) throw new ValueError(`${op}: ${what} must be finite, got ${v}`);
}

class WasmSimdBackend implements Backend {
  readonly name = 'wasm-simd' as const;
  readonly threads: number;
  /** The kernel geometry in use (fma = relaxed SIMD). */
  readonly spec: KernelSpec;
  private readonly heap: WasmHeap;
  private readonly kx: KernelExports;
  private readonly shared: boolean;
  private readonly pool: WasmThreadPool | null;
  private readonly mainScratch: ThreadScratch;
  private readonly slots = new Map<string, Slot>();
  /** Offset tables by content key, least recently used first. */
  /** Rows of A per macro call: BLOCKING.mc rounded down to a multiple of the tile's rows. */
  private readonly mcBlock: number;
  private readonly tables = new Map<string, Slot>();
  private tableBytes = 0;
  /** Addresses of the blocks handed out by alloc (free accepts only these). */
  private readonly userBlocks = new Set<number>();
  private disposed = false;

  constructor(opts: WasmBackendOptions) {
    const api = wasmApi;
    if (!api || !simdSupported()) throw new BackendError("backend 'wasm-simd' needs WebAssembly SIMD128, which this runtime does not validate");
    const threads = opts.threads ?? 1;
    checkDim('createWasmBackend', 'threads', threads, 1);
    if (threads > MAX_THREADS) throw new ValueError(`createWasmBackend: threads must be <= ${MAX_THREADS}, got ${threads}`);
    const fmaOpt = opts.fma ?? 'auto';
    if (fmaOpt === true && !relaxedSimdSupported()) throw new BackendError('fma: true needs relaxed SIMD (f32x4.relaxed_madd), which this runtime does not validate');
    const fma = fmaOpt === 'auto' ? relaxedSimdSupported() : fmaOpt;
    this.spec = { ...(fma ? TILE_FMA : TILE_MUL_ADD), fma };
    // Macro calls start at multiples of mr (the packed A panels are mr rows each).
    this.mcBlock = Math.floor(BLOCKING.mc / this.spec.mr) * this.spec.mr;
    const memOpt = opts.memory ?? 'auto';
    if (memOpt !== 'auto' && memOpt !== 'shared' && memOpt !== 'private') {
      throw new ValueError(`createWasmBackend: memory must be 'auto', 'shared' or 'private', got '${String(memOpt)}'`);
    }
    if (memOpt === 'shared' && !sharedMemorySupported()) throw new BackendError("memory: 'shared' needs SharedArrayBuffer, which is unavailable here");
    this.shared = memOpt === 'private' ? false : sharedMemorySupported();
    if (threads > 1 && !this.shared) throw new BackendError(`threads: ${threads} needs a shared WebAssembly.Memory (SharedArrayBuffer), which is unavailable here`);
    if (threads > 1 && !opts.spawnWorker) {
      throw new BackendError(`threads: ${threads} needs a spawnWorker (in Node: spawnNodeWasmWorker from srcnn-ts/node)`);
    }
    const memory: WasmMemory = new api.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: this.shared });
    const module = new api.Module(buildKernelModule(this.spec, { initial: 1, maximum: MAX_PAGES, shared: this.shared }));
    const inst = new api.Instance(module, { env: { memory } });
    for (const n of KERNEL_NAMES) {
      if (typeof inst.exports[n] !== 'function') throw new BackendError(`wasm kernel module lacks export '${n}'`);
    }
    this.kx = inst.exports as unknown as KernelExports;
    this.heap = new WasmHeap(memory, MAX_PAGES);
    const scratch = (): ThreadScratch => ({
      bp: this.heap.allocBytes(SCRATCH_BYTES, false),
      tile: this.heap.allocBytes(4 * this.spec.mr * this.spec.nr, false),
    });
    this.mainScratch = scratch();
    if (threads > 1) {
      const control = this.heap.allocBytes(4 * CONTROL_WORDS, true);
      const workerScratch = Array.from({ length: threads - 1 }, scratch);
      this.pool = new WasmThreadPool(this.kx, memory, module, control, this.mainScratch, workerScratch, opts.spawnWorker!);
    } else {
      this.pool = null;
    }
    this.threads = threads;
  }

  alloc(length: number): Float32Array {
    this.live();
    checkDim('alloc', 'length', length, 0);
    if (!this.shared) return new Float32Array(length);
    const ptr = this.heap.allocBytes(4 * length, true);
    this.userBlocks.add(ptr);
    return this.heap.view(ptr, length);
  }

  /** Returns an alloc() buffer. Plain arrays are ignored; other views into the memory throw. */
  free(buf: Float32Array): void {
    if (this.disposed || !this.heap.owns(buf)) return;
    if (!this.userBlocks.delete(buf.byteOffset)) {
      throw new BackendError(`free: this buffer (byte offset ${buf.byteOffset}) did not come from alloc, or was already freed`);
    }
    this.heap.freeBytes(buf.byteOffset);
  }

  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number,
    beta: number, c: Float32Array, ldc: number,
  ): Float32Array {
    this.live();
    const op = 'gemm';
    checkDim(op, 'm', m, 0);
    checkDim(op, 'n', n, 0);
    checkDim(op, 'k', k, 0);
    checkFinite(op, 'alpha', alpha);
    checkFinite(op, 'beta', beta);
    const aRows = transA ? k : m;
    const aCols = transA ? m : k;
    const bRows = transB ? n : k;
    const bCols = transB ? k : n;
    checkDim(op, 'lda', lda, Math.max(1, aCols));
    checkDim(op, 'ldb', ldb, Math.max(1, bCols));
    checkDim(op, 'ldc', ldc, Math.max(1, n));
    const aLen = need(aRows, aCols, lda);
    const bLen = need(bRows, bCols, ldb);
    const cLen = need(m, n, ldc);
    checkLength(op, 'A', a, aLen, [aRows, aCols]);
    checkLength(op, 'B', b, bLen, [bRows, bCols]);
    checkLength(op, 'C', c, cLen, [m, n]);
    if (m === 0 || n === 0) return c;
    if (k === 0 || alpha === 0) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) c[i * ldc + j] = beta === 0 ? 0 : beta * c[i * ldc + j]!;
      }
      return c;
    }
    const aPtr = this.input('in.a', a, aLen);
    const bPtr = this.input('in.b', b, bLen);
    // C is copied in when it is read (beta != 0) or has gaps between rows that the copy-out must keep.
    const cPtr = beta !== 0 || ldc !== n ? this.input('in.c', c, cLen) : this.outputPtr('in.c', c, cLen);
    if (m === 1 && !transB && beta === 0) {
      this.gemmRow(n, k, alpha, aPtr, transA ? lda : 1, bPtr, ldb, cPtr);
      this.copyOut(c, cPtr, cLen);
      return c;
    }
    const { mr } = this.spec;
    const mPad = Math.ceil(m / mr) * mr;
    const rowOffA = this.linearTable(m, transA ? 1 : lda);
    const kOffA = this.linearTable(k, transA ? lda : 1);
    const kOffB = this.linearTable(k, transB ? 1 : ldb);
    const colOffB = this.linearTable(n, transB ? ldb : 1);
    const ap = this.packA('gemm.ap', aPtr, rowOffA, m, mPad, kOffA, k);
    const chunkCols = this.chunkCols(n, 1);
    this.run({
      kind: JobKind.gemm, total: Math.ceil(n / chunkCols), ap, mPad, m, k, kcBlock: BLOCKING.kc, mcBlock: this.mcBlock,
      bBase: bPtr, bImgStride: 0, bKOff: kOffB, bColOff: colOffB, n, chunkCols, chunksPerImg: Math.ceil(n / chunkCols),
      cBase: cPtr, cImgStride: 0, ldc: 4 * ldc, alpha, beta, flags: beta !== 0 ? EpilogueFlag.accumulate : 0, relu: 0, bias: 0,
    });
    this.copyOut(c, cPtr, cLen);
    return c;
  }

  conv2d(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, info: ConvInfo, relu: boolean): Float32Array {
    this.live();
    const op = 'conv2d';
    const { batch, inC, inH, inW, outC, outH, outW, kH, kW } = info;
    const xLen = batch * inC * inH * inW;
    const wLen = outC * inC * kH * kW;
    const yLen = batch * outC * outH * outW;
    checkLength(op, 'x', x, xLen, [batch, inC, inH, inW]);
    checkLength(op, 'w', w, wLen, [outC, inC, kH, kW]);
    if (bias !== null) checkLength(op, 'bias', bias, outC, [outC]);
    checkLength(op, 'y', y, yLen, [batch, outC, outH, outW]);
    const xPtr = this.input('in.x', x, xLen);
    const wPtr = this.input('in.w', w, wLen);
    const biasPtr = bias === null ? null : this.input('in.bias', bias, outC);
    const yPtr = this.outputPtr('out.y', y, yLen);
    this.convForward(yPtr, xPtr, wPtr, biasPtr, info, relu);
    this.copyOut(y, yPtr, yLen);
    return y;
  }

  conv2dPair(y: Float32Array, x: Float32Array, first: ConvStep, second: ConvStep): Float32Array {
    this.live();
    const op = 'conv2dPair';
    const a = first.info;
    const b = second.info;
    checkConvPair(a, b);
    const xLen = a.batch * a.inC * a.inH * a.inW;
    const w1Len = a.outC * a.inC * a.kH * a.kW;
    const w2Len = b.outC * b.inC;
    const yLen = b.batch * b.outC * b.outH * b.outW;
    checkLength(op, 'x', x, xLen, [a.batch, a.inC, a.inH, a.inW]);
    checkLength(op, 'first w', first.w, w1Len, [a.outC, a.inC, a.kH, a.kW]);
    if (first.bias !== null) checkLength(op, 'first bias', first.bias, a.outC, [a.outC]);
    checkLength(op, 'second w', second.w, w2Len, [b.outC, b.inC, 1, 1]);
    if (second.bias !== null) checkLength(op, 'second bias', second.bias, b.outC, [b.outC]);
    checkLength(op, 'y', y, yLen, [b.batch, b.outC, b.outH, b.outW]);
    const xPtr = this.input('in.x', x, xLen);
    const w1 = this.input('in.w', first.w, w1Len);
    const b1 = first.bias === null ? null : this.input('in.bias', first.bias, a.outC);
    const w2 = this.input('in.w2', second.w, w2Len);
    const b2 = second.bias === null ? null : this.input('in.bias2', second.bias, b.outC);
    const yPtr = this.outputPtr('out.y', y, yLen);
    if (!this.pairForward(yPtr, xPtr, w1, b1, a, first.relu, w2, b2, b.outC, second.relu)) {
      const mid = this.slot('pair.mid', 4 * a.batch * a.outC * a.outH * a.outW);
      this.convForward(mid, xPtr, w1, b1, a, first.relu);
      this.convForward(yPtr, mid, w2, b2, b, second.relu);
    }
    this.copyOut(y, yPtr, yLen);
    return y;
  }

  conv2dBackpropInput(dx: Float32Array, dy: Float32Array, w: Float32Array, info: ConvInfo): Float32Array {
    this.live();
    const op = 'conv2dBackpropInput';
    const { batch, inC, inH, inW, outC, outH, outW, kH, kW, padT, padL, padB, padR } = info;
    const dxLen = batch * inC * inH * inW;
    const wLen = outC * inC * kH * kW;
    const dyLen = batch * outC * outH * outW;
    checkLength(op, 'dx', dx, dxLen, [batch, inC, inH, inW]);
    checkLength(op, 'dy', dy, dyLen, [batch, outC, outH, outW]);
    checkLength(op, 'w', w, wLen, [outC, inC, kH, kW]);
    const dyPtr = this.input('in.dy', dy, dyLen);
    const wSrc = this.input('in.w', w, wLen);
    // Flipped, transposed weights: wt[c, o, r, s] = w[o, c, kH-1-r, kW-1-s].
    const wt = this.slot('bpi.wt', 4 * wLen);
    const f = this.heap.f32();
    const ws = wSrc >>> 2;
    const wd = wt >>> 2;
    const kk = kH * kW;
    for (let o = 0; o < outC; o++) {
      for (let c = 0; c < inC; c++) {
        const src = ws + (o * inC + c) * kk;
        const dst = wd + (c * outC + o) * kk;
        for (let t = 0; t < kk; t++) f[dst + t] = f[src + kk - 1 - t]!;
      }
    }
    const hp = inH + padT + padB;
    const wp = inW + padL + padR;
    const padded = padT + padL + padB + padR > 0;
    const full: ConvInfo = {
      batch, inC: outC, inH: outH, inW: outW, outC: inC, outH: hp, outW: wp, kH, kW,
      padT: kH - 1, padL: kW - 1, padB: kH - 1, padR: kW - 1, paddingMode: 'zeros',
    };
    const dxPtr = this.outputPtr('out.dx', dx, dxLen);
    const target = padded ? this.slot('bpi.dxpad', 4 * batch * inC * hp * wp) : dxPtr;
    this.convForward(target, dyPtr, wt, null, full, false);
    if (padded) this.foldPadding(dxPtr, target, batch * inC, info);
    this.copyOut(dx, dxPtr, dxLen);
    return dx;
  }

  conv2dBackpropFilter(dw: Float32Array, db: Float32Array | null, x: Float32Array, dy: Float32Array, info: ConvInfo): Float32Array {
    this.live();
    const op = 'conv2dBackpropFilter';
    const { batch, inC, inH, inW, outC, outH, outW, kH, kW } = info;
    const xLen = batch * inC * inH * inW;
    const wLen = outC * inC * kH * kW;
    const dyLen = batch * outC * outH * outW;
    checkLength(op, 'dw', dw, wLen, [outC, inC, kH, kW]);
    if (db !== null) checkLength(op, 'db', db, outC, [outC]);
    checkLength(op, 'x', x, xLen, [batch, inC, inH, inW]);
    checkLength(op, 'dy', dy, dyLen, [batch, outC, outH, outW]);
    const xPtr = this.input('in.x', x, xLen);
    const dyPtr = this.input('in.dy', dy, dyLen);
    const dwPtr = this.outputPtr('out.dw', dw, wLen);
    const { xp, hp, wp } = this.padInput(xPtr, info);
    const kConv = inC * kH * kW;
    const pix = outH * outW;
    const red = batch * pix;
    const xImg = 4 * inC * hp * wp;
    if (outC < this.spec.mr) {
      // Too few output channels to fill the register tile: direct correlation, no packing.
      this.run({
        kind: JobKind.filterTaps, total: outC * inC, inC, batch, dw: dwPtr, xBase: xp, xImgStride: xImg, xChanStride: 4 * hp * wp,
        xRowStride: 4 * wp, dyBase: dyPtr, dyImgStride: 4 * outC * pix, dyChanStride: 4 * pix, outH, outW, kH, kW,
      });
      this.copyOut(dw, dwPtr, wLen);
      this.biasGradient(db, dyPtr, batch, outC, pix);
      return dw;
    }
    const kOffConv = this.convKOff(inC, kH, kW, hp, wp);
    // dW[o, j] = sum_t dY[o, t] * cols[j, t], t = (image, pixel): A = dY (outC x red), B = cols^T.
    const rowOffA = this.linearTable(outC, pix);
    const kOffA = this.table(`bpf.kOffA:${batch}:${outC}:${pix}`, red, (t) => {
      const img = Math.floor(t / pix);
      return 4 * (img * outC * pix + (t - img * pix));
    });
    const kOffB = this.table(`bpf.kOffB:${batch}:${xImg}:${outH}:${outW}:${wp}`, red, (t) => {
      const img = Math.floor(t / pix);
      const n = t - img * pix;
      const i = Math.floor(n / outW);
      return img * xImg + 4 * (i * wp + (n - i * outW));
    });
    const { mr } = this.spec;
    const mPad = Math.ceil(outC / mr) * mr;
    const ap = this.packA('bpf.ap', dyPtr, rowOffA, outC, mPad, kOffA, red);
    const chunkCols = this.chunkCols(kConv, 1);
    const chunks = Math.ceil(kConv / chunkCols);
    this.run({
      kind: JobKind.gemm, total: chunks, ap, mPad, m: outC, k: red, kcBlock: BLOCKING.kc, mcBlock: this.mcBlock,
      bBase: xp, bImgStride: 0, bKOff: kOffB, bColOff: kOffConv, n: kConv, chunkCols, chunksPerImg: chunks,
      cBase: dwPtr, cImgStride: 0, ldc: 4 * kConv, alpha: 1, beta: 0, flags: 0, relu: 0, bias: 0,
    });
    this.copyOut(dw, dwPtr, wLen);
    this.biasGradient(db, dyPtr, batch, outC, pix);
    return dw;
  }

  reluBackward(dx: Float32Array, dy: Float32Array, y: Float32Array, length: number): Float32Array {
    this.live();
    const op = 'reluBackward';
    checkDim(op, 'length', length, 0);
    checkLength(op, 'dx', dx, length, [length]);
    checkLength(op, 'dy', dy, length, [length]);
    checkLength(op, 'y', y, length, [length]);
    if (length === 0) return dx;
    const dyPtr = this.input('in.dy', dy, length);
    const yPtr = this.input('in.y', y, length);
    const dxPtr = this.outputPtr('out.dx', dx, length);
    const block = this.threads === 1 ? length : Math.max(RELU_GRAD_MIN_BLOCK, Math.ceil(length / (CHUNKS_PER_THREAD * this.threads) / 4) * 4);
    this.run({ kind: JobKind.reluGrad, total: Math.ceil(length / block), dx: dxPtr, dy: dyPtr, y: yPtr, n: length, block });
    this.copyOut(dx, dxPtr, length);
    return dx;
  }

  /** db[o] = sum of dy[img, o, :, :] over images (float32 sums per plane, added in float64). */
  private biasGradient(db: Float32Array | null, dyPtr: number, batch: number, outC: number, pix: number): void {
    if (db === null) return;
    for (let o = 0; o < outC; o++) {
      let s = 0;
      for (let img = 0; img < batch; img++) s += this.kx.sum(dyPtr + 4 * (img * outC + o) * pix, pix);
      db[o] = s;
    }
  }

  releaseScratch(): void {
    this.live();
    for (const s of this.slots.values()) this.heap.freeBytes(s.ptr);
    this.slots.clear();
    for (const t of this.tables.values()) this.heap.freeBytes(t.ptr);
    this.tables.clear();
    this.tableBytes = 0;
  }

  dispose(): void {
    if (this.disposed) return;
    this.pool?.dispose();
    this.disposed = true;
    this.slots.clear();
    this.tables.clear();
  }

  // ---- internals -------------------------------------------------------------------------------

  /** Throws after dispose; otherwise trims the table cache (no table is in use between calls). */
  private live(): void {
    if (this.disposed) throw new BackendError("the 'wasm-simd' backend was disposed");
    this.trimTables();
  }

  /** Runs every chunk of `job`, on the pool when there is one and more than one chunk. */
  private run(job: Job): void {
    if (this.pool && job.total > 1) {
      this.pool.run(job);
      return;
    }
    for (let i = 0; i < job.total; i++) runChunk(this.kx, job, i, this.mainScratch);
  }

  /**
   * Columns per chunk for `images` images of `n` columns: at most NC, a multiple of NR, split
   * evenly, and with threads at least {@link CHUNKS_PER_THREAD} chunks per thread overall.
   */
  private chunkCols(n: number, images: number): number {
    const { nr } = this.spec;
    const minChunks = this.threads === 1 ? 1 : Math.ceil((CHUNKS_PER_THREAD * this.threads) / images);
    const chunks = Math.max(Math.ceil(n / BLOCKING.nc), minChunks);
    return Math.max(nr, Math.ceil(Math.ceil(n / chunks) / nr) * nr);
  }

  /** A scratch block of at least `bytes` that persists across calls (grown, never shrunk). */
  private slot(name: string, bytes: number): number {
    let s = this.slots.get(name);
    if (!s || s.bytes < bytes) {
      if (s) this.heap.freeBytes(s.ptr);
      const size = Math.max(bytes, s ? Math.ceil(s.bytes * 1.25) : 0);
      s = { ptr: this.heap.allocBytes(size, false), bytes: size };
      this.slots.set(name, s);
    }
    return s.ptr;
  }

  /**
   * An int32 table `i -> value(i)` (byte offsets) of length `n`, cached under `key`, which must
   * determine the contents. Tables stay valid until the next public call (see {@link trimTables}).
   */
  private table(key: string, n: number, value: (i: number) => number): number {
    const hit = this.tables.get(key);
    if (hit) {
      this.tables.delete(key);
      this.tables.set(key, hit);
      return hit.ptr;
    }
    const bytes = 4 * Math.max(n, 1);
    const ptr = this.heap.allocBytes(bytes, false);
    const t = this.heap.i32();
    const base = ptr >>> 2;
    for (let i = 0; i < n; i++) t[base + i] = value(i);
    this.tables.set(key, { ptr, bytes });
    this.tableBytes += bytes;
    return ptr;
  }

  /** The table `i -> 4 * i * stride` (offsets of a strided row or column). */
  private linearTable(n: number, stride: number): number {
    return this.table(`linear:${n}:${stride}`, n, (i) => 4 * i * stride);
  }

  /** Frees the least recently used tables beyond {@link TABLE_CACHE_BYTES} (between calls only). */
  private trimTables(): void {
    for (const [key, t] of this.tables) {
      if (this.tableBytes <= TABLE_CACHE_BYTES) break;
      this.heap.freeBytes(t.ptr);
      this.tableBytes -= t.bytes;
      this.tables.delete(key);
    }
  }

  /** Address of `arr`'s first `len` floats in wasm memory, copying into scratch `name` if needed. */
  private input(name: string, arr: Float32Array, len: number): number {
    if (this.heap.owns(arr)) return arr.byteOffset;
    const ptr = this.slot(name, 4 * Math.max(len, 1));
    this.heap.f32().set(len === arr.length ? arr : arr.subarray(0, len), ptr >>> 2);
    return ptr;
  }

  /** Address to write `arr`'s first `len` floats to: `arr` itself if in wasm memory, else scratch. */
  private outputPtr(name: string, arr: Float32Array, len: number): number {
    return this.heap.owns(arr) ? arr.byteOffset : this.slot(name, 4 * Math.max(len, 1));
  }

  /** Copies `len` floats from `ptr` into `arr` unless `arr` is that memory. */
  private copyOut(arr: Float32Array, ptr: number, len: number): void {
    if (this.heap.owns(arr)) return;
    arr.set(this.heap.f32().subarray(ptr >>> 2, (ptr >>> 2) + len));
  }

  /**
   * c[0..n) = (alpha * a) . B for a single row a (k floats, stride `aStride`) and B (k x n, row
   * stride ldb), streaming B's rows once in wide column blocks (B is large and each element is used
   * once, so packing it would only double the memory traffic).
   */
  private gemmRow(n: number, k: number, alpha: number, aPtr: number, aStride: number, bPtr: number, ldb: number, cPtr: number): void {
    const w = this.slot('gemm.arow', 4 * k);
    const f = this.heap.f32();
    for (let p = 0; p < k; p++) f[(w >>> 2) + p] = alpha * f[(aPtr >>> 2) + p * aStride]!;
    const block = Math.max(ROW_GEMM_MIN_BLOCK, Math.ceil(n / this.threads / 4) * 4);
    this.run({ kind: JobKind.rowGemm, total: Math.ceil(n / block), b: bPtr, ldb: 4 * ldb, w, k, c: cPtr, n, block });
  }

  /**
   * Packs all of A (m rows x k, gathered by the two tables) in KC blocks; returns the packed address.
   * A large A (the dY of a filter gradient: k = batch x pixels) is packed by all threads, a KC block
   * each; a small one (weights) on the calling thread, where waking the pool would cost more.
   */
  private packA(name: string, base: number, rowOff: number, m: number, mPad: number, kOff: number, k: number): number {
    const ap = this.slot(name, 4 * mPad * k);
    const blocks = Math.ceil(k / BLOCKING.kc);
    const job = { kind: JobKind.packA, total: blocks, ap, base, rowOff, m, mPad, kOff, k, kcBlock: BLOCKING.kc } as const;
    if (this.pool && mPad * k >= PARALLEL_PACK_A_FLOATS) {
      this.run(job);
    } else {
      for (let i = 0; i < blocks; i++) runChunk(this.kx, job, i, this.mainScratch);
    }
    return ap;
  }

  /** im2col depth offsets: k = (c, r, s) -> byte offset of x[c, r, s] in a padded hp x wp image. */
  private convKOff(inC: number, kH: number, kW: number, hp: number, wp: number): number {
    const kk = kH * kW;
    return this.table(`conv.kOff:${inC}:${kH}:${kW}:${hp}:${wp}`, inC * kk, (t) => {
      const c = Math.floor(t / kk);
      const rs = t - c * kk;
      const r = Math.floor(rs / kW);
      return 4 * ((c * hp + r) * wp + (rs - r * kW));
    });
  }

  /** The input padded per `info` (the input itself when there is no padding). */
  private padInput(xPtr: number, info: ConvInfo): { xp: number; hp: number; wp: number } {
    const { batch, inC, inH, inW, padT, padL, padB, padR } = info;
    const hp = inH + padT + padB;
    const wp = inW + padL + padR;
    if (padT + padL + padB + padR === 0) return { xp: xPtr, hp, wp };
    const xp = this.slot('conv.xpad', 4 * batch * inC * hp * wp);
    this.run({
      kind: JobKind.pad, total: batch * inC, src: xPtr, dst: xp, srcStride: 4 * inH * inW, dstStride: 4 * hp * wp,
      h: inH, w: inW, padT, padL, padB, padR, replicate: info.paddingMode === 'replicate' ? 1 : 0,
    });
    return { xp, hp, wp };
  }

  /**
   * Whether a convolution's GEMM reads B in place (macro_direct, one output row per call) rather
   * than packing it. Packing wins when:
   * - the kernel is 1x1: packing is then a plain copy, done once, where reading in place re-reads
   *   each B row once per A panel from inC rows a whole plane apart, rows that share L1 sets when
   *   planes are 4 KiB multiples apart (64->32 at 512^2: 33 GFLOP/s packed, 28 in place; at
   *   510^2, planes 16 bytes past a 4 KiB multiple: 23 in place);
   * - rounding each output row up to whole NR-column panels wastes more than DIRECT_MAX_WASTE.
   * Larger kernels gain from it whatever the plane stride (5x5 64->32 at 512^2: 39 -> 44 GFLOP/s;
   * at 510^2: 39.7 -> 42.6; Keras 3x3 128->64: 39.0 -> 39.9).
   */
  private readsInPlace(info: ConvInfo): boolean {
    const { nr } = this.spec;
    return info.kH * info.kW > 1 && Math.ceil(info.outW / nr) * nr <= info.outW * (1 + DIRECT_MAX_WASTE);
  }

  /** Row-major m x k weights packed as A (MR-row panels, per KC block), and the padded row count. */
  private packWeights(name: string, wPtr: number, m: number, k: number): { ap: number; mPad: number } {
    const mPad = Math.ceil(m / this.spec.mr) * this.spec.mr;
    return { ap: this.packA(name, wPtr, this.linearTable(m, k), m, mPad, this.linearTable(k, 1), k), mPad };
  }

  /** Output rows per chunk of a convolution that reads B in place: about NC pixels' worth. */
  private directRowsPerChunk(info: ConvInfo): number {
    return Math.max(1, Math.round(this.chunkCols(info.outH * info.outW, info.batch) / info.outW));
  }

  /**
   * How a convolution job whose chunks are `rowsPerChunk` output rows reads a padded input: per
   * chunk into its thread's scratch ({@link BandPad}) when the band fits the scratch, otherwise from
   * a padded copy of the whole input made first. Unpadded inputs are read in place.
   */
  private rowInput(xPtr: number, info: ConvInfo, rowsPerChunk: number): { band: BandPad; xp: number; kOff: number } {
    const { inC, inH, inW, padT, padL, padB, padR, kH, kW } = info;
    const wp = inW + padL + padR;
    const bandRows = rowsPerChunk + kH - 1;
    const banded = padT + padL + padB + padR > 0 && 4 * inC * bandRows * wp <= SCRATCH_BYTES;
    const band: BandPad = {
      padSrc: banded ? xPtr : 0, padImgStride: 4 * inC * inH * inW, inC, inH, inW, padT, padL, padR,
      replicate: info.paddingMode === 'replicate' ? 1 : 0, kH, bandStride: 4 * bandRows * wp,
    };
    if (banded) return { band, xp: 0, kOff: this.convKOff(inC, kH, kW, bandRows, wp) };
    const { xp, hp } = this.padInput(xPtr, info);
    return { band, xp, kOff: this.convKOff(inC, kH, kW, hp, wp) };
  }

  /**
   * conv2dPair as one job ({@link ConvPairJob}) when the first layer reads B in place and a chunk's
   * band, intermediate activations and the edge panels' over-read fit the thread's scratch; false
   * (nothing done) otherwise. The values are those of two convForward calls, bit for bit: both
   * layers reduce in the same k blocks and order, with the same epilogue.
   */
  private pairForward(yPtr: number, xPtr: number, w1: number, b1: number | null, a: ConvInfo, relu1: boolean, w2: number,
    b2: number | null, outC2: number, relu2: boolean): boolean {
    const { batch, inC, outC, outH, outW, kH, kW } = a;
    if (outC === 1 || !this.readsInPlace(a)) return false;
    const pix = outH * outW;
    const rowsPerChunk = this.directRowsPerChunk(a);
    const wp = a.inW + a.padL + a.padR;
    const padded = a.padT + a.padL + a.padB + a.padR > 0;
    const tOffset = padded ? Math.ceil((inC * (rowsPerChunk + kH - 1) * wp) / 16) * 64 : 0;
    // Channels of the intermediate a few cache lines apart from a 4 KiB multiple, so that the
    // second layer's in-place reads of one column in every channel do not share an L1 set.
    let tStride = Math.ceil((rowsPerChunk * outW) / 16) * 64;
    if (tStride % 4096 === 0) tStride += 64;
    if (tOffset + outC * tStride + 64 > SCRATCH_BYTES) return false;
    // The scratch check above also makes any band fit, so rowInput pads per chunk.
    const { band, xp, kOff } = this.rowInput(xPtr, a, rowsPerChunk);
    const kConv = inC * kH * kW;
    const { ap, mPad } = this.packWeights('conv.ap', w1, outC, kConv);
    const { ap: ap2, mPad: mPad2 } = this.packWeights('conv.ap2', w2, outC2, outC);
    const chunksPerImg = Math.ceil(outH / rowsPerChunk);
    this.run({
      kind: JobKind.convPair, total: batch * chunksPerImg, ap, mPad, m: outC, k: kConv, kcBlock: BLOCKING.kc, mcBlock: this.mcBlock,
      xBase: xp, xImgStride: 4 * inC * (a.inH + a.padT + a.padB) * wp, xRowStride: 4 * wp, kOff, outH, outW, rowsPerChunk,
      chunksPerImg, yBase: yPtr, yImgStride: 4 * outC2 * pix, ldc: 4 * pix, flags: b1 === null ? 0 : EpilogueFlag.bias,
      relu: relu1 ? 1 : 0, bias: b1 ?? 0, ...band, tOffset, tStride, ap2, mPad2, m2: outC2, kOff2: this.linearTable(outC, tStride / 4),
      flags2: b2 === null ? 0 : EpilogueFlag.bias, relu2: relu2 ? 1 : 0, bias2: b2 ?? 0,
    });
    return true;
  }

  /** y = conv(x, w) + bias (ReLU) with all buffers in wasm memory. */
  private convForward(yPtr: number, xPtr: number, wPtr: number, biasPtr: number | null, info: ConvInfo, relu: boolean): void {
    const { batch, inC, outC, outH, outW, kH, kW } = info;
    const hp = info.inH + info.padT + info.padB;
    const wp = info.inW + info.padL + info.padR;
    const kConv = inC * kH * kW;
    const pix = outH * outW;
    const xImg = 4 * inC * hp * wp;
    if (outC === 1) {
      const rowsPerChunk = Math.max(1, Math.min(outH, Math.floor(M1_CHUNK_PIXELS / outW)));
      const chunksPerImg = Math.ceil(outH / rowsPerChunk);
      const { band, xp, kOff } = this.rowInput(xPtr, info, rowsPerChunk);
      this.run({
        kind: JobKind.convM1, total: batch * chunksPerImg, xBase: xp, xImgStride: xImg, xRowStride: 4 * wp, kOff, kc: kConv,
        kcBlock: M1_K_BLOCK, w: wPtr, yBase: yPtr, yImgStride: 4 * pix, outH, outW, rowsPerChunk, chunksPerImg,
        biasValue: biasPtr === null ? 0 : this.heap.f32()[biasPtr >>> 2]!, relu: relu ? 1 : 0, ...band,
      });
      return;
    }
    const { ap, mPad } = this.packWeights('conv.ap', wPtr, outC, kConv);
    if (this.readsInPlace(info)) {
      const rowsPerChunk = this.directRowsPerChunk(info);
      const chunksPerImg = Math.ceil(outH / rowsPerChunk);
      const { band, xp, kOff } = this.rowInput(xPtr, info, rowsPerChunk);
      this.run({
        kind: JobKind.convDirect, total: batch * chunksPerImg, ap, mPad, m: outC, k: kConv, kcBlock: BLOCKING.kc,
        mcBlock: this.mcBlock, xBase: xp, xImgStride: xImg, xRowStride: 4 * wp, kOff, outH, outW, rowsPerChunk, chunksPerImg,
        yBase: yPtr, yImgStride: 4 * outC * pix, ldc: 4 * pix, flags: biasPtr === null ? 0 : EpilogueFlag.bias,
        relu: relu ? 1 : 0, bias: biasPtr ?? 0, ...band,
      });
      return;
    }
    const { xp } = this.padInput(xPtr, info);
    const kOff = this.convKOff(inC, kH, kW, hp, wp);
    const colOff = this.table(`conv.colOff:${outH}:${outW}:${wp}`, pix, (n) => {
      const i = Math.floor(n / outW);
      return 4 * (i * wp + (n - i * outW));
    });
    const chunkCols = this.chunkCols(pix, batch);
    const chunksPerImg = Math.ceil(pix / chunkCols);
    this.run({
      kind: JobKind.gemm, total: batch * chunksPerImg, ap, mPad, m: outC, k: kConv, kcBlock: BLOCKING.kc, mcBlock: this.mcBlock,
      bBase: xp, bImgStride: xImg, bKOff: kOff, bColOff: colOff, n: pix, chunkCols, chunksPerImg,
      cBase: yPtr, cImgStride: 4 * outC * pix, ldc: 4 * pix, alpha: 1, beta: 0,
      flags: biasPtr === null ? 0 : EpilogueFlag.bias, relu: relu ? 1 : 0, bias: biasPtr ?? 0,
    });
  }

  /**
   * dx = the padded-input gradient `src` (planes of hp x wp) folded back onto planes of inH x inW:
   * zero borders are dropped; replicate borders add onto the edge pixel they copied.
   */
  private foldPadding(dst: number, src: number, planes: number, info: ConvInfo): void {
    const { inH, inW, padT, padL, padB, padR } = info;
    const hp = inH + padT + padB;
    const wp = inW + padL + padR;
    const f = this.heap.f32();
    const replicate = info.paddingMode === 'replicate';
    for (let pl = 0; pl < planes; pl++) {
      const s0 = (src >>> 2) + pl * hp * wp;
      const d0 = (dst >>> 2) + pl * inH * inW;
      for (let i = 0; i < inH; i++) {
        const s = s0 + (i + padT) * wp + padL;
        f.copyWithin(d0 + i * inW, s, s + inW);
      }
      if (!replicate) continue;
      for (let p = 0; p < hp; p++) {
        const i = Math.min(inH - 1, Math.max(0, p - padT));
        const interiorRow = p >= padT && p < padT + inH;
        const srow = s0 + p * wp;
        const drow = d0 + i * inW;
        for (let q = 0; q < wp; q++) {
          if (interiorRow && q === padL) {
            q = padL + inW - 1; // skip the interior (already copied); continue at the right border
            continue;
          }
          const j = Math.min(inW - 1, Math.max(0, q - padL));
          f[drow + j] = f[drow + j]! + f[srow + q]!;
        }
      }
    }
  }
}

/**
 * Creates the 'wasm-simd' backend.
 * @throws BackendError when WebAssembly SIMD is unavailable, or threads > 1 cannot be honoured.
 */
export function createWasmBackend(opts: WasmBackendOptions = {}): Backend {
  return new WasmSimdBackend(opts);
}
