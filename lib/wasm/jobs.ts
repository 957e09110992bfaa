/**
 * Jobs: kernel work split into independent chunks that any thread can run (the calling thread or a
 * worker sharing the memory). A chunk writes a disjoint part of the output and does its whole
 * reduction itself, so results do not depend on which thread ran which chunk, nor on how many
 * threads there are (bit-identical to one thread).
 *
 * Jobs are flat records of numbers so they can be written into shared memory (see pool.ts). All
 * pointers/strides are byte addresses/offsets in the wasm memory.
 */
import { EpilogueFlag, type KernelExports } from './kernels.js';

export const JobKind = { gemm: 1, convM1: 2, pad: 3, filterTaps: 4, rowGemm: 5, reluGrad: 6, packA: 7, convDirect: 8, convPair: 9 } as const;

/** The packed A operand of a GEMM-shaped job (m x k), reduced in k blocks of `kcBlock`, `mcBlock` rows per macro call. */
export interface PackedA {
  /** Packed A: for each k block at k0, mPad*kc floats starting at ap + 4*mPad*k0, MR-row panels. */
  ap: number;
  mPad: number;
  m: number;
  k: number;
  kcBlock: number;
  mcBlock: number;
}

/**
 * C = epilogue(A * B) over `nImg` independent images that share the packed A (conv: the weights).
 * Chunk = `chunkCols` columns of one image. B columns are gathered through offset tables
 * (`bColOff`: n entries, `bKOff`: k entries) from `bBase + img*bImgStride`.
 */
export interface GemmJob extends PackedA {
  kind: typeof JobKind.gemm;
  total: number;
  bBase: number;
  bImgStride: number;
  bKOff: number;
  bColOff: number;
  n: number;
  chunkCols: number;
  chunksPerImg: number;
  cBase: number;
  cImgStride: number;
  ldc: number;
  alpha: number;
  beta: number;
  /** Flags of the first k block ({@link EpilogueFlag}.accumulate when beta != 0, .bias). */
  flags: number;
  relu: number;
  bias: number;
}

/**
 * Border padding done by each chunk of a convolution job ('same' convolutions), for the input rows
 * it reads: padded rows r0 .. r1+kH-2 of every channel of image i (from the unpadded input at
 * `padSrc + i*padImgStride`, planes inH x inW) go to the thread's scratch (`bp`), channel c at
 * `c * bandStride` bytes, zeros or edge values, while the chunk's rows are in cache. This replaces
 * a padded copy of the whole input written to memory and read back. `padSrc` = 0: no band, the job
 * reads its input (unpadded, or padded beforehand) at xBase.
 */
export interface BandPad {
  padSrc: number;
  padImgStride: number;
  inC: number;
  inH: number;
  inW: number;
  padT: number;
  padL: number;
  padR: number;
  replicate: number;
  kH: number;
  bandStride: number;
}

/**
 * A convolution as GEMM with B read in place (`macro_direct`: no im2col matrix and no packing of B),
 * one output row per call: row r of image i reads B at depth k from
 * `xBase + i*xImgStride + r*xRowStride + kOff[k]` (the padded input) and writes its `outW` columns of
 * every output channel from `yBase + i*yImgStride + 4*r*outW` (channel stride `ldc`). Chunk =
 * `rowsPerChunk` output rows of one image, each reduced over the k blocks in the same order
 * whatever the thread.
 */
export interface ConvDirectJob extends PackedA, BandPad {
  kind: typeof JobKind.convDirect;
  total: number;
  xBase: number;
  xImgStride: number;
  xRowStride: number;
  kOff: number;
  outH: number;
  outW: number;
  rowsPerChunk: number;
  chunksPerImg: number;
  yBase: number;
  yImgStride: number;
  ldc: number;
  /** {@link EpilogueFlag}.bias or 0. */
  flags: number;
  relu: number;
  bias: number;
}

/**
 * A convolution followed by a pointwise one (Backend.conv2dPair), chunk by chunk: the first layer's
 * output rows of a chunk go to the thread's scratch (at `tOffset` bytes into `bp`, after any band,
 * channels `tStride` bytes apart) as in {@link ConvDirectJob}, then the second layer reads them there
 * in place (macro_direct, depth k at `kOff2[k]` = k * tStride) and writes the chunk's pixels of every
 * output channel. The first layer's fields are those of ConvDirectJob except yBase, yImgStride and
 * ldc, which locate the second layer's output (`m2` channels).
 */
export interface ConvPairJob extends Omit<ConvDirectJob, 'kind'> {
  kind: typeof JobKind.convPair;
  tOffset: number;
  tStride: number;
  ap2: number;
  mPad2: number;
  m2: number;
  kOff2: number;
  flags2: number;
  relu2: number;
  bias2: number;
}

/** Single-output-channel convolution: chunk = `rowsPerChunk` output rows of one image. */
export interface ConvM1Job extends BandPad {
  kind: typeof JobKind.convM1;
  total: number;
  xBase: number;
  xImgStride: number;
  xRowStride: number;
  kOff: number;
  kc: number;
  /** Depths per conv_m1_row call: each output row is reduced over k blocks (see wasm.ts M1_K_BLOCK). */
  kcBlock: number;
  w: number;
  yBase: number;
  yImgStride: number;
  outH: number;
  outW: number;
  rowsPerChunk: number;
  chunksPerImg: number;
  biasValue: number;
  relu: number;
}

/** Border padding of `total` planes (chunk = one plane). */
export interface PadJob {
  kind: typeof JobKind.pad;
  total: number;
  src: number;
  dst: number;
  srcStride: number;
  dstStride: number;
  h: number;
  w: number;
  padT: number;
  padL: number;
  padB: number;
  padR: number;
  replicate: number;
}

/**
 * Filter gradient by direct correlation, for few output channels: chunk = one (o, c) pair, which
 * writes dw[o, c, :, :] = sum over images and rows r of corr_taps(x[img, c, r + i, j + s], dy[img, o, i, j]).
 */
export interface FilterTapsJob {
  kind: typeof JobKind.filterTaps;
  total: number;
  inC: number;
  batch: number;
  dw: number;
  xBase: number;
  xImgStride: number;
  xChanStride: number;
  xRowStride: number;
  dyBase: number;
  dyImgStride: number;
  dyChanStride: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
}

/** c[0..n) = w . B (a single-row GEMM, B row stride ldb bytes): chunk = `block` columns. */
export interface RowGemmJob {
  kind: typeof JobKind.rowGemm;
  total: number;
  b: number;
  ldb: number;
  w: number;
  k: number;
  c: number;
  n: number;
  block: number;
}

/** The ReLU gradient (`relu_grad`) of `n` floats: chunk = `block` floats. */
export interface ReluGradJob {
  kind: typeof JobKind.reluGrad;
  total: number;
  dx: number;
  dy: number;
  y: number;
  n: number;
  block: number;
}

/**
 * Packing all of A (`m` rows gathered through `rowOff`, `k` deep through `kOff`) into MR-row panels
 * per KC block, as {@link GemmJob.ap} expects: chunk = one block of `kcBlock` depths.
 */
export interface PackAJob {
  kind: typeof JobKind.packA;
  total: number;
  ap: number;
  base: number;
  rowOff: number;
  m: number;
  mPad: number;
  kOff: number;
  k: number;
  kcBlock: number;
}

export type Job = GemmJob | ConvDirectJob | ConvPairJob | ConvM1Job | PadJob | FilterTapsJob | RowGemmJob | ReluGradJob | PackAJob;

/** Per-thread scratch: a packed-B block (kcBlock * chunkCols floats) and an MR x NR edge tile. */
export interface ThreadScratch {
  readonly bp: number;
  readonly tile: number;
}

const BAND_FIELDS = ['padSrc', 'padImgStride', 'inC', 'inH', 'inW', 'padT', 'padL', 'padR', 'replicate', 'kH', 'bandStride'] as const;

/** Field order of each job kind in shared memory; fields in F32_FIELDS are stored as float32. */
export const JOB_FIELDS = {
  [JobKind.gemm]: ['kind', 'total', 'ap', 'mPad', 'm', 'k', 'kcBlock', 'mcBlock', 'bBase', 'bImgStride', 'bKOff', 'bColOff',
    'n', 'chunkCols', 'chunksPerImg', 'cBase', 'cImgStride', 'ldc', 'alpha', 'beta', 'flags', 'relu', 'bias'],
  [JobKind.convDirect]: ['kind', 'total', 'ap', 'mPad', 'm', 'k', 'kcBlock', 'mcBlock', 'xBase', 'xImgStride', 'xRowStride', 'kOff',
    'outH', 'outW', 'rowsPerChunk', 'chunksPerImg', 'yBase', 'yImgStride', 'ldc', 'flags', 'relu', 'bias', ...BAND_FIELDS],
  [JobKind.convPair]: ['kind', 'total', 'ap', 'mPad', 'm', 'k', 'kcBlock', 'mcBlock', 'xBase', 'xImgStride', 'xRowStride', 'kOff',
    'outH', 'outW', 'rowsPerChunk', 'chunksPerImg', 'yBase', 'yImgStride', 'ldc', 'flags', 'relu', 'bias', ...BAND_FIELDS,
    'tOffset', 'tStride', 'ap2', 'mPad2', 'm2', 'kOff2', 'flags2', 'relu2', 'bias2'],
  [JobKind.convM1]: ['kind', 'total', 'xBase', 'xImgStride', 'xRowStride', 'kOff', 'kc', 'kcBlock', 'w', 'yBase', 'yImgStride', 'outH',
    'outW', 'rowsPerChunk', 'chunksPerImg', 'biasValue', 'relu', ...BAND_FIELDS],
  [JobKind.pad]: ['kind', 'total', 'src', 'dst', 'srcStride', 'dstStride', 'h', 'w', 'padT', 'padL', 'padB', 'padR', 'replicate'],
  [JobKind.rowGemm]: ['kind', 'total', 'b', 'ldb', 'w', 'k', 'c', 'n', 'block'],
  [JobKind.reluGrad]: ['kind', 'total', 'dx', 'dy', 'y', 'n', 'block'],
  [JobKind.packA]: ['kind', 'total', 'ap', 'base', 'rowOff', 'm', 'mPad', 'kOff', 'k', 'kcBlock'],
  [JobKind.filterTaps]: ['kind', 'total', 'inC', 'batch', 'dw', 'xBase', 'xImgStride', 'xChanStride', 'xRowStride', 'dyBase',
    'dyImgStride', 'dyChanStride', 'outH', 'outW', 'kH', 'kW'],
} as const;
export const F32_FIELDS: ReadonlySet<string> = new Set(['alpha', 'beta', 'biasValue']);
/** Most fields any job has. */
export const MAX_JOB_FIELDS = Math.max(...Object.values(JOB_FIELDS).map((f) => f.length));

/** Runs chunk `idx` of `job` with the given kernels and scratch. */
export function runChunk(kx: KernelExports, job: Job, idx: number, scratch: ThreadScratch): void {
  switch (job.kind) {
    case JobKind.gemm:
      gemmChunk(kx, job, idx, scratch);
      break;
    case JobKind.convDirect:
      convDirectChunk(kx, job, idx, scratch);
      break;
    case JobKind.convPair:
      convPairChunk(kx, job, idx, scratch);
      break;
    case JobKind.convM1:
      convM1Chunk(kx, job, idx, scratch);
      break;
    case JobKind.pad:
      kx.pad_plane(job.dst + idx * job.dstStride, job.src + idx * job.srcStride, job.h, job.w,
        job.padT, job.padL, job.padB, job.padR, job.replicate);
      break;
    case JobKind.filterTaps:
      filterTapsChunk(kx, job, idx);
      break;
    case JobKind.rowGemm: {
      const j0 = idx * job.block;
      kx.axpy_rows(job.c + 4 * j0, job.b + 4 * j0, job.ldb, job.w, job.k, Math.min(job.block, job.n - j0));
      break;
    }
    case JobKind.packA: {
      const k0 = idx * job.kcBlock;
      kx.pack_a(job.ap + 4 * job.mPad * k0, job.base, job.rowOff, job.m, job.kOff + 4 * k0, Math.min(job.kcBlock, job.k - k0));
      break;
    }
    case JobKind.reluGrad: {
      const i0 = idx * job.block;
      kx.relu_grad(job.dx + 4 * i0, job.dy + 4 * i0, job.y + 4 * i0, Math.min(job.block, job.n - i0));
      break;
    }
  }
}

/**
 * Epilogue flags of the k block [k0, k0+kc) of a k-deep reduction: the first block writes C with
 * `firstFlags`, later blocks accumulate onto it, and the last applies the ReLU when `relu`.
 */
function blockFlags(k0: number, kc: number, k: number, firstFlags: number, relu: number): number {
  const flags = k0 === 0 ? firstFlags : EpilogueFlag.accumulate;
  return relu && k0 + kc >= k ? flags | EpilogueFlag.relu : flags;
}

function gemmChunk(kx: KernelExports, j: GemmJob, idx: number, s: ThreadScratch): void {
  const img = Math.floor(idx / j.chunksPerImg);
  const j0 = (idx - img * j.chunksPerImg) * j.chunkCols;
  const nc = Math.min(j.chunkCols, j.n - j0);
  const bBase = j.bBase + img * j.bImgStride;
  const cBase = j.cBase + img * j.cImgStride + 4 * j0;
  const { m, k, kcBlock, mcBlock, mPad, ldc, alpha } = j;
  for (let k0 = 0; k0 < k; k0 += kcBlock) {
    const kc = Math.min(kcBlock, k - k0);
    kx.pack_b(s.bp, bBase, j.bColOff + 4 * j0, nc, j.bKOff + 4 * k0, kc);
    const flags = blockFlags(k0, kc, k, j.flags, j.relu);
    const beta = k0 === 0 ? j.beta : 1;
    for (let i0 = 0; i0 < m; i0 += mcBlock) {
      const mc = Math.min(mcBlock, m - i0);
      kx.macro(j.ap + 4 * (mPad * k0 + i0 * kc), s.bp, cBase + i0 * ldc, mc, nc, kc, ldc, alpha, beta, flags,
        j.bias + 4 * i0, s.tile);
    }
  }
}

/**
 * The address from which a convolution chunk of output rows r0..r1 of image `img` reads input row
 * r at `+ r*xRowStride`: the job's input, or (with a band, see {@link BandPad}) the band it pads
 * into the thread's scratch here, addressed as if the band were rows r0.. of a whole image (the
 * returned address itself may lie before the scratch).
 */
function chunkInput(kx: KernelExports, j: BandPad & { xBase: number; xImgStride: number; xRowStride: number }, img: number,
  r0: number, r1: number, s: ThreadScratch): number {
  if (j.padSrc === 0) return j.xBase + img * j.xImgStride;
  const rows = r1 - r0 + j.kH - 1;
  const top = Math.max(0, j.padT - r0);
  const srcRow0 = Math.max(0, r0 - j.padT);
  const srcRows = Math.min(j.inH, r0 + rows - j.padT) - srcRow0;
  const src = j.padSrc + img * j.padImgStride + 4 * srcRow0 * j.inW;
  const plane = 4 * j.inH * j.inW;
  for (let c = 0; c < j.inC; c++) {
    kx.pad_plane(s.bp + c * j.bandStride, src + c * plane, srcRows, j.inW, top, j.padL, rows - top - srcRows, j.padR, j.replicate);
  }
  return s.bp - r0 * j.xRowStride;
}

/**
 * Output rows r0..r1 of a {@link ConvDirectJob}'s convolution from input rows at `x + r*xRowStride`:
 * row r goes to `yRow0 + 4*(r-r0)*outW`, channels `ldc` bytes apart.
 */
function directRows(kx: KernelExports, j: Omit<ConvDirectJob, 'kind'>, x: number, r0: number, r1: number, yRow0: number, ldc: number,
  s: ThreadScratch): void {
  const { m, k, kcBlock, mcBlock, mPad, outW } = j;
  for (let k0 = 0; k0 < k; k0 += kcBlock) {
    const kc = Math.min(kcBlock, k - k0);
    const flags = blockFlags(k0, kc, k, j.flags, j.relu);
    const beta = k0 === 0 ? 0 : 1;
    for (let r = r0; r < r1; r++) {
      for (let i0 = 0; i0 < m; i0 += mcBlock) {
        kx.macro_direct(j.ap + 4 * (mPad * k0 + i0 * kc), x + r * j.xRowStride, yRow0 + 4 * (r - r0) * outW + i0 * ldc,
          Math.min(mcBlock, m - i0), outW, kc, ldc, 1, beta, flags, j.bias + 4 * i0, s.tile, j.kOff + 4 * k0);
      }
    }
  }
}

function chunkRows(j: { chunksPerImg: number; rowsPerChunk: number; outH: number }, idx: number): [number, number, number] {
  const img = Math.floor(idx / j.chunksPerImg);
  const r0 = (idx - img * j.chunksPerImg) * j.rowsPerChunk;
  return [img, r0, Math.min(j.outH, r0 + j.rowsPerChunk)];
}

function convDirectChunk(kx: KernelExports, j: ConvDirectJob, idx: number, s: ThreadScratch): void {
  const [img, r0, r1] = chunkRows(j, idx);
  directRows(kx, j, chunkInput(kx, j, img, r0, r1, s), r0, r1, j.yBase + img * j.yImgStride + 4 * r0 * j.outW, j.ldc, s);
}

function convPairChunk(kx: KernelExports, j: ConvPairJob, idx: number, s: ThreadScratch): void {
  const [img, r0, r1] = chunkRows(j, idx);
  const t = s.bp + j.tOffset;
  directRows(kx, j, chunkInput(kx, j, img, r0, r1, s), r0, r1, t, j.tStride, s);
  // The second layer: m2 x m (pointwise weights) times the chunk's m x nc activations in t.
  const nc = (r1 - r0) * j.outW;
  const y = j.yBase + img * j.yImgStride + 4 * r0 * j.outW;
  const { m, m2, kcBlock, mcBlock, mPad2, ldc } = j;
  for (let k0 = 0; k0 < m; k0 += kcBlock) {
    const kc = Math.min(kcBlock, m - k0);
    const flags = blockFlags(k0, kc, m, j.flags2, j.relu2);
    for (let i0 = 0; i0 < m2; i0 += mcBlock) {
      kx.macro_direct(j.ap2 + 4 * (mPad2 * k0 + i0 * kc), t, y + i0 * ldc, Math.min(mcBlock, m2 - i0), nc, kc, ldc, 1, k0 === 0 ? 0 : 1,
        flags, j.bias2 + 4 * i0, s.tile, j.kOff2 + 4 * k0);
    }
  }
}

function convM1Chunk(kx: KernelExports, j: ConvM1Job, idx: number, s: ThreadScratch): void {
  const [img, r0, r1] = chunkRows(j, idx);
  const x = chunkInput(kx, j, img, r0, r1, s);
  const y = j.yBase + img * j.yImgStride;
  for (let r = r0; r < r1; r++) {
    for (let k0 = 0; k0 < j.kc; k0 += j.kcBlock) {
      const kc = Math.min(j.kcBlock, j.kc - k0);
      kx.conv_m1_row(y + 4 * r * j.outW, x + r * j.xRowStride, j.outW, j.kOff + 4 * k0, j.w + 4 * k0, kc, j.biasValue,
        k0 + kc >= j.kc ? j.relu : 0, k0 > 0 ? 1 : 0);
    }
  }
}

function filterTapsChunk(kx: KernelExports, j: FilterTapsJob, idx: number): void {
  const o = Math.floor(idx / j.inC);
  const c = idx - o * j.inC;
  const dwRow = j.dw + 4 * idx * j.kH * j.kW;
  for (let img = 0; img < j.batch; img++) {
    const x = j.xBase + img * j.xImgStride + c * j.xChanStride;
    const dy = j.dyBase + img * j.dyImgStride + o * j.dyChanStride;
    for (let r = 0; r < j.kH; r++) {
      kx.corr_taps(dwRow + 4 * r * j.kW, x + r * j.xRowStride, dy, j.outH, j.outW, j.xRowStride, 4 * j.outW, j.kW, img > 0 ? 1 : 0);
    }
  }
}
