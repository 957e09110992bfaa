/**
 * The WebAssembly kernel module: BLIS-style packing and SIMD128 GEMM micro-kernels, the
 * single-output-channel convolution kernel, padding and a reduction. Emitted at run time by
 * {@link buildKernelModule} into a module that imports its (shared) memory as `env.memory`.
 *
 * Conventions shared by every kernel:
 * - Pointers and strides are byte addresses/offsets into the imported memory; data is float32.
 * - Packed panels (Goto & van de Geijn 2008, "Anatomy of high-performance matrix multiplication";
 *   BLIS): a panel of width W holds, for each k of the block, W consecutive floats, so
 *   `panel[k * W + c] = src[colOff[c] + kOff[k]]`. A is packed in MR-row panels, B in NR-column panels.
 *   Both are gathered through two int32 offset tables (column offsets and depth offsets), which
 *   covers plain and transposed matrices, im2col (B = conv input patches) and im2col transposed
 *   (the filter gradient) with one packing routine.
 * - The micro-kernel keeps an MR x NR tile of C in MR*NR/4 v128 accumulators. TurboFan (V8) hoists
 *   the loop's loads and allocates xmm0-xmm14 only, so a spill-free tile needs
 *   `MR*NR/4 + MR + NR/4 (+1 temporary without FMA) <= 15` (4x8: 8 + 4 + 2 + 1 = 15). The k loop is
 *   emitted once (manual unrolling multiplies the hoisted loads and spills).
 */
import { ModuleBuilder, ValType, type FunctionBuilder, type Local } from './emitter.js';

const { i32, f32, v128 } = ValType;

/** Micro-kernel geometry and instruction choice. */
export interface KernelSpec {
  /** Rows of the register tile (A panel width). */
  readonly mr: number;
  /** Columns of the register tile (B panel width); a multiple of 4. */
  readonly nr: number;
  /** Use `f32x4.relaxed_madd` (fused where the CPU has FMA) instead of `f32x4.mul` + `f32x4.add`. */
  readonly fma: boolean;
}

/** Epilogue flags of {@link KernelExports.macro}. */
export const EpilogueFlag = {
  /** C = alpha*AB + beta*C (otherwise C = alpha*AB, C's old contents ignored). */
  accumulate: 1,
  /** Add bias[row] after the product (and after accumulation). */
  bias: 2,
  /** ReLU last: v < 0 ? 0 : v (NaN stays NaN). */
  relu: 4,
} as const;

/** Memory limits of the kernel module's imported memory (64 KiB pages). */
export interface MemorySpec {
  readonly initial: number;
  readonly maximum: number;
  readonly shared: boolean;
}

/** The module's exports, typed. All pointers are byte addresses; `kc`, `mc`, `nc` are counts. */
export interface KernelExports {
  /** Packs `ncols` A rows into MR-wide panels of depth `kc` (see module doc); tail panel zero-padded. */
  pack_a(dst: number, base: number, colOff: number, ncols: number, kOff: number, kc: number): void;
  /** Packs `ncols` B columns into NR-wide panels of depth `kc`; tail panel zero-padded. */
  pack_b(dst: number, base: number, colOff: number, ncols: number, kOff: number, kc: number): void;
  /**
   * C[mc x nc] (row stride `ldc` bytes) = epilogue(packed A block * packed B block). `tile` is
   * MR*NR floats of scratch for edge tiles. `bias` points at the bias of C's first row.
   */
  macro(ap: number, bp: number, c: number, mc: number, nc: number, kc: number, ldc: number,
    alpha: number, beta: number, flags: number, bias: number, tile: number): void;
  /**
   * {@link KernelExports.macro} with B read in place instead of from packed panels: B[k][j] is the
   * float at `bBase + kOff[k] + 4*j` (kOff: `kc` int32 byte offsets), so the `nc` columns must be
   * consecutive floats at every depth: one output row of a convolution (im2col without the
   * matrix and without packing), or a plain row-major matrix. An edge panel (nc not a multiple of
   * NR) reads, but never uses, up to NR-1 floats past its last column.
   */
  macro_direct(ap: number, bBase: number, c: number, mc: number, nc: number, kc: number, ldc: number,
    alpha: number, beta: number, flags: number, bias: number, tile: number, kOff: number): void;
  /**
   * One output row segment of a single-output-channel convolution, over `kc` depths:
   * y[j] = s + sum_k w[k] * x[j + kOff[k]] for j < width (x, y contiguous), where s is y[j] when
   * `accumulate` (a later block of depths) and `bias` otherwise; then ReLU if `relu`.
   */
  conv_m1_row(y: number, x: number, width: number, kOff: number, w: number, kc: number, bias: number, relu: number,
    accumulate: number): void;
  /** Pads an h x w plane into (padT+h+padB) x (padL+w+padR): zeros, or edge values when `replicate`. */
  pad_plane(dst: number, src: number, h: number, w: number, padT: number, padL: number, padB: number, padR: number, replicate: number): void;
  /** Sum of `len` floats (float32, 16 partial sums). */
  sum(ptr: number, len: number): number;
  /**
   * Correlation taps (the filter gradient of one weight row): for s < taps,
   * t[s] = sum_{i < rows, j < cols} dy[i*dyStride + j] * x[i*xStride + j + s] (strides in bytes),
   * then dst[s] = t[s], or dst[s] += t[s] when `accumulate`.
   */
  corr_taps(dst: number, x: number, dy: number, rows: number, cols: number, xStride: number, dyStride: number,
    taps: number, accumulate: number): void;
  /**
   * A single-row product streamed row by row (axpy form): c[j] = sum_{p < k} w[p] * b[p*ldb + j] for
   * j < width (ldb in bytes). Each row of b is read once, contiguously; c stays in L1.
   */
  axpy_rows(c: number, b: number, ldb: number, w: number, k: number, width: number): void;
  /**
   * The ReLU gradient through its output: dx[i] = dy[i] where y[i] > 0, else +0, for i < len
   * (a NaN y gives 0). dx may be dy or y.
   */
  relu_grad(dx: number, dy: number, y: number, len: number): void;
}

/** Names of the exported functions, for checks after instantiation. */
export const KERNEL_NAMES: readonly (keyof KernelExports)[] = ['pack_a', 'pack_b', 'macro', 'macro_direct', 'conv_m1_row', 'pad_plane', 'sum', 'corr_taps',
  'axpy_rows', 'relu_grad'];

/** Emits `f32x4.splat(0)` into `l`. */
function zero(f: FunctionBuilder, l: Local): void {
  f.f32(0).op('f32x4_splat').set(l);
}

/** pack_a / pack_b: see {@link KernelExports.pack_a}. `width` is MR or NR. */
function emitPack(f: FunctionBuilder, width: number): void {
  const [dst, base, colOff, ncols, kOff, kc] = ['dst', 'base', 'colOff', 'ncols', 'kOff', 'kc'].map((n) => f.param(n)) as
    [Local, Local, Local, Local, Local, Local];
  const p = f.local(i32, 'p');
  const cp = f.local(i32, 'cp');
  const off0 = f.local(i32, 'off0');
  const src = f.local(i32, 'src');
  const kp = f.local(i32, 'kp');
  const kend = f.local(i32, 'kend');
  const kk = f.local(i32, 'kk');
  const c = f.local(i32, 'c');
  const d = f.local(i32, 'd');
  const oc = Array.from({ length: width }, (_, i) => f.local(i32, `o${i}`));
  const panelBytes = 4 * width;
  const kLin = f.local(i32, 'kLin');

  /** Copies the panel at `cp` (full width) by gathering one float per element. */
  const gather = (): void => {
    for (let i = 0; i < width; i++) f.get(base).get(cp).mem('i32_load', 4 * i).op('i32_add').set(oc[i]!);
    f.loop((k) => {
      f.get(kp).mem('i32_load').set(kk);
      for (let i = 0; i < width; i++) f.get(dst).get(oc[i]!).get(kk).op('i32_add').mem('f32_load').mem('f32_store', 4 * i);
      f.addTo(dst, panelBytes).addTo(kp, 4).get(kp).get(kend).op('i32_ne').brIf(k);
    });
  };
  /** Copies the panel at `cp` whose columns are consecutive floats: width/4 v128 moves per k. */
  const copyContiguous = (): void => {
    f.get(base).get(off0).op('i32_add').set(src);
    f.loop((k) => {
      f.get(src).get(kp).mem('i32_load').op('i32_add').set(kk);
      for (let v = 0; v < width / 4; v++) f.get(dst).get(kk).mem('v128_load', 16 * v).mem('v128_store', 16 * v);
      f.addTo(dst, panelBytes).addTo(kp, 4).get(kp).get(kend).op('i32_ne').brIf(k);
    });
  };

  /**
   * Width 4 with consecutive floats along k (kOff[k] = kOff[0] + 4k: a row-major A, or the rows of dY
   * in the filter gradient): four rows are read four k at a time and transposed in registers, 16
   * floats per 4 vector loads, 8 shuffles and 4 vector stores.
   */
  const transpose4 = (): void => {
    const rv = [0, 1, 2, 3].map((i) => f.local(v128, `r${i}`));
    const tv = [0, 1, 2, 3].map((i) => f.local(v128, `t${i}`));
    for (let i = 0; i < 4; i++) f.get(base).get(cp).mem('i32_load', 4 * i).op('i32_add').get(kOff).mem('i32_load').op('i32_add').set(oc[i]!);
    f.i32(0).set(kk);
    f.block((done4) => {
      f.loop((k4) => {
        f.get(kk).i32(4).op('i32_add').get(kc).op('i32_gt_s').brIf(done4);
        for (let i = 0; i < 4; i++) f.get(oc[i]!).mem('v128_load').set(rv[i]!);
        f.get(rv[0]!).get(rv[1]!).shuffle32([0, 4, 1, 5]).set(tv[0]!);
        f.get(rv[2]!).get(rv[3]!).shuffle32([0, 4, 1, 5]).set(tv[1]!);
        f.get(rv[0]!).get(rv[1]!).shuffle32([2, 6, 3, 7]).set(tv[2]!);
        f.get(rv[2]!).get(rv[3]!).shuffle32([2, 6, 3, 7]).set(tv[3]!);
        f.get(dst).get(tv[0]!).get(tv[1]!).shuffle32([0, 1, 4, 5]).mem('v128_store', 0);
        f.get(dst).get(tv[0]!).get(tv[1]!).shuffle32([2, 3, 6, 7]).mem('v128_store', 16);
        f.get(dst).get(tv[2]!).get(tv[3]!).shuffle32([0, 1, 4, 5]).mem('v128_store', 32);
        f.get(dst).get(tv[2]!).get(tv[3]!).shuffle32([2, 3, 6, 7]).mem('v128_store', 48);
        for (let i = 0; i < 4; i++) f.addTo(oc[i]!, 16);
        f.addTo(dst, 64).addTo(kk, 4).br(k4);
      });
    });
    f.block((done1) => {
      f.loop((k1) => {
        f.get(kk).get(kc).op('i32_ge_s').brIf(done1);
        for (let i = 0; i < 4; i++) f.get(dst).get(oc[i]!).mem('f32_load').mem('f32_store', 4 * i);
        for (let i = 0; i < 4; i++) f.addTo(oc[i]!, 4);
        f.addTo(dst, 16).addTo(kk, 1).br(k1);
      });
    });
  };

  f.get(kOff).get(kc).i32(2).op('i32_shl').op('i32_add').set(kend);
  if (width === 4) {
    f.i32(1).set(kLin);
    f.get(kOff).set(kp);
    f.forRange(c, 1, kc, 1, () => {
      f.addTo(kp, 4);
      f.get(kp).mem('i32_load').get(kp).i32(4).op('i32_sub').mem('i32_load').op('i32_sub').i32(4).op('i32_ne');
      f.if(() => f.i32(0).set(kLin));
    });
  }
  f.i32(0).set(p);
  f.block((done) => {
    f.loop((panel) => {
      f.get(p).i32(width).op('i32_add').get(ncols).op('i32_gt_s').brIf(done);
      f.get(colOff).get(p).i32(2).op('i32_shl').op('i32_add').set(cp);
      f.get(kOff).set(kp);
      if (width % 4 === 0) {
        // Offsets increase along a panel, so last - first == 4*(width-1) means consecutive floats.
        f.get(cp).mem('i32_load').set(off0);
        f.get(cp).mem('i32_load', 4 * (width - 1)).get(off0).op('i32_sub').i32(4 * (width - 1)).op('i32_eq');
        f.if(copyContiguous, width === 4 ? () => f.get(kLin).if(transpose4, gather) : gather);
      } else {
        gather();
      }
      f.addTo(p, width).br(panel);
    });
  });
  // Tail panel (fewer than `width` columns left): zero it, then gather column by column.
  f.get(p).get(ncols).op('i32_lt_s').if(() => {
    f.get(dst).i32(0).get(kc).i32(panelBytes).op('i32_mul').memoryFill();
    f.forRange(c, p, ncols, 1, () => {
      f.get(base).get(colOff).get(c).i32(2).op('i32_shl').op('i32_add').mem('i32_load').op('i32_add').set(src);
      f.get(dst).get(c).get(p).op('i32_sub').i32(2).op('i32_shl').op('i32_add').set(d);
      f.get(kOff).set(kp);
      f.loop((k) => {
        f.get(d).get(src).get(kp).mem('i32_load').op('i32_add').mem('f32_load').mem('f32_store');
        f.addTo(d, panelBytes).addTo(kp, 4).get(kp).get(kend).op('i32_ne').brIf(k);
      });
    });
  });
}

/**
 * macro (`direct` false, see {@link KernelExports.macro}) or macro_direct (`direct` true, see
 * {@link KernelExports.macro_direct}): the same register tile and epilogue; only where the k loop
 * reads B differs (a packed panel, or the source itself through the depth offset table).
 */
function emitMacro(f: FunctionBuilder, spec: KernelSpec, direct: boolean): void {
  const { mr, nr, fma } = spec;
  const nv = nr / 4;
  const P = (n: string): Local => f.param(n);
  const [ap, bp, c, mc, nc, kc, ldc, alpha, beta, flags, bias, tile] =
    ['ap', direct ? 'bBase' : 'bp', 'c', 'mc', 'nc', 'kc', 'ldc', 'alpha', 'beta', 'flags', 'bias', 'tile'].map(P) as
    [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const kOff = direct ? P('kOff') : null;
  // The k loop's moving pointer is b (packed) or kp, the depth-table entry (direct); it ends at `end`.
  const kp = direct ? f.local(i32, 'kp') : null;
  const end = f.local(i32, 'end');
  const jr = f.local(i32, 'jr');
  const ir = f.local(i32, 'ir');
  const nrEff = f.local(i32, 'nrEff');
  const mrEff = f.local(i32, 'mrEff');
  const bpanel = f.local(i32, 'bpanel');
  const a = f.local(i32, 'a');
  const b = f.local(i32, 'b');
  const cptr = f.local(i32, 'cptr');
  const row = f.local(i32, 'row');
  const trow = f.local(i32, 'trow');
  const i = f.local(i32, 'i');
  const j = f.local(i32, 'j');
  const acc = Array.from({ length: mr }, (_, r) => Array.from({ length: nv }, (_, q) => f.local(v128, `acc${r}${q}`)));
  const av = Array.from({ length: mr }, (_, r) => f.local(v128, `a${r}`));
  const bv = Array.from({ length: nv }, (_, q) => f.local(v128, `b${q}`));
  const scal = f.local(v128, 'scal');
  const s = f.local(f32, 's');
  const sb = f.local(f32, 'sb');
  const has = (flag: number): void => {
    f.get(flags).i32(flag).op('i32_and');
  };

  if (direct) f.get(kOff!).get(kc).i32(2).op('i32_shl').op('i32_add').set(end);
  f.forRange(jr, 0, nc, nr, () => {
    // nrEff = min(nr, nc - jr); the B panel of columns jr.. starts at bp + jr*kc*4.
    f.get(nc).get(jr).op('i32_sub').set(nrEff);
    f.get(nrEff).i32(nr).op('i32_gt_s').if(() => f.i32(nr).set(nrEff));
    // Columns jr.. of B start 4*jr bytes after bBase at every depth (direct), or at the panel jr*kc floats in.
    if (direct) f.get(bp).get(jr).i32(2).op('i32_shl').op('i32_add').set(bpanel);
    else f.get(bp).get(jr).get(kc).op('i32_mul').i32(2).op('i32_shl').op('i32_add').set(bpanel);
    f.forRange(ir, 0, mc, mr, () => {
      f.get(mc).get(ir).op('i32_sub').set(mrEff);
      f.get(mrEff).i32(mr).op('i32_gt_s').if(() => f.i32(mr).set(mrEff));
      f.get(ap).get(ir).get(kc).op('i32_mul').i32(2).op('i32_shl').op('i32_add').set(a);
      if (direct) f.get(kOff!).set(kp!);
      else f.get(bpanel).set(b).get(bpanel).get(kc).i32(4 * nr).op('i32_mul').op('i32_add').set(end);
      for (const r of acc) for (const x of r) zero(f, x);
      // The register tile: acc[r][q] += splat(A[r]) * B[4q..4q+3], once per k. The loop ends on a
      // pointer compare (a counter would be spilled by TurboFan).
      f.loop((top) => {
        if (direct) f.get(bpanel).get(kp!).mem('i32_load').op('i32_add').set(b);
        for (let q = 0; q < nv; q++) f.get(b).mem('v128_load', 16 * q).set(bv[q]!);
        for (let r = 0; r < mr; r++) f.get(a).mem('v128_load32_splat', 4 * r).set(av[r]!);
        for (let r = 0; r < mr; r++) {
          for (let q = 0; q < nv; q++) {
            if (fma) f.get(av[r]!).get(bv[q]!).get(acc[r]![q]!).op('f32x4_relaxed_madd').set(acc[r]![q]!);
            else f.get(acc[r]![q]!).get(av[r]!).get(bv[q]!).op('f32x4_mul').op('f32x4_add').set(acc[r]![q]!);
          }
        }
        f.addTo(a, 4 * mr);
        if (direct) f.addTo(kp!, 4).get(kp!).get(end).op('i32_ne').brIf(top);
        else f.addTo(b, 4 * nr).get(b).get(end).op('i32_ne').brIf(top);
      });
      f.get(c).get(ir).get(ldc).op('i32_mul').op('i32_add').get(jr).i32(2).op('i32_shl').op('i32_add').set(cptr);
      f.get(mrEff).i32(mr).op('i32_eq').get(nrEff).i32(nr).op('i32_eq').op('i32_and').if(
        () => {
          // Full tile: vector epilogue straight into C.
          f.get(alpha).f32(1).op('f32_ne').if(() => {
            f.get(alpha).op('f32x4_splat').set(scal);
            for (const r of acc) for (const x of r) f.get(x).get(scal).op('f32x4_mul').set(x);
          });
          has(EpilogueFlag.accumulate);
          f.if(() => {
            f.get(beta).op('f32x4_splat').set(scal);
            f.get(cptr).set(row);
            for (let r = 0; r < mr; r++) {
              for (let q = 0; q < nv; q++) {
                f.get(acc[r]![q]!).get(scal).get(row).mem('v128_load', 16 * q).op('f32x4_mul').op('f32x4_add').set(acc[r]![q]!);
              }
              f.addTo(row, ldc);
            }
          });
          has(EpilogueFlag.bias);
          f.if(() => {
            for (let r = 0; r < mr; r++) {
              f.get(bias).get(ir).i32(2).op('i32_shl').op('i32_add').mem('v128_load32_splat', 4 * r).set(scal);
              for (let q = 0; q < nv; q++) f.get(acc[r]![q]!).get(scal).op('f32x4_add').set(acc[r]![q]!);
            }
          });
          has(EpilogueFlag.relu);
          f.if(() => {
            zero(f, scal);
            for (const r of acc) for (const x of r) f.get(x).get(scal).op('f32x4_pmax').set(x);
          });
          f.get(cptr).set(row);
          for (let r = 0; r < mr; r++) {
            for (let q = 0; q < nv; q++) f.get(row).get(acc[r]![q]!).mem('v128_store', 16 * q);
            f.addTo(row, ldc);
          }
        },
        () => {
          // Edge tile: spill the accumulators to `tile`, then a scalar epilogue over mrEff x nrEff
          // (same operation order as the vector epilogue).
          for (let r = 0; r < mr; r++) {
            for (let q = 0; q < nv; q++) f.get(tile).get(acc[r]![q]!).mem('v128_store', 16 * (r * nv + q));
          }
          f.forRange(i, 0, mrEff, 1, () => {
            f.get(cptr).get(i).get(ldc).op('i32_mul').op('i32_add').set(row);
            f.get(tile).get(i).i32(4 * nr).op('i32_mul').op('i32_add').set(trow);
            f.f32(0).set(sb);
            has(EpilogueFlag.bias);
            f.if(() => f.get(bias).get(ir).get(i).op('i32_add').i32(2).op('i32_shl').op('i32_add').mem('f32_load').set(sb));
            f.forRange(j, 0, nrEff, 1, () => {
              f.get(trow).mem('f32_load').get(alpha).op('f32_mul').set(s);
              has(EpilogueFlag.accumulate);
              f.if(() => f.get(s).get(beta).get(row).mem('f32_load').op('f32_mul').op('f32_add').set(s));
              has(EpilogueFlag.bias);
              f.if(() => f.get(s).get(sb).op('f32_add').set(s));
              has(EpilogueFlag.relu);
              f.if(() => f.f32(0).get(s).get(s).f32(0).op('f32_lt').op('select').set(s));
              f.get(row).get(s).mem('f32_store');
              f.addTo(row, 4).addTo(trow, 4);
            });
          });
        },
      );
    });
  });
}

/**
 * Emits one block of conv_m1_row over `nvec` v128 outputs (4*nvec pixels), or one scalar pixel when
 * nvec = 0, as a loop `while (j + pixels <= width)`.
 */
function emitM1Block(f: FunctionBuilder, nvec: number, l: { y: Local; x: Local; width: Local; kOff: Local; w: Local; kend: Local;
  bias: Local; relu: Local; accumulate: Local; j: Local; p: Local; o: Local; kp: Local; wp: Local }): void {
  const pixels = nvec === 0 ? 1 : 4 * nvec;
  const accs = nvec === 0 ? [] : Array.from({ length: nvec }, (_, q) => f.local(v128, `m${nvec}acc${q}`));
  const wv = nvec === 0 ? f.local(f32, 'ws') : f.local(v128, `m${nvec}w`);
  const sacc = f.local(f32, `m${nvec}s`);
  const scal = f.local(v128, `m${nvec}scal`);
  f.block((done) => {
    f.loop((top) => {
      f.get(l.j).i32(pixels).op('i32_add').get(l.width).op('i32_gt_s').brIf(done);
      f.get(l.x).get(l.j).i32(2).op('i32_shl').op('i32_add').set(l.p);
      f.get(l.kOff).set(l.kp);
      f.get(l.w).set(l.wp);
      if (nvec === 0) f.f32(0).set(sacc);
      for (const x of accs) zero(f, x);
      f.loop((k) => {
        f.get(l.p).get(l.kp).mem('i32_load').op('i32_add').set(l.o);
        if (nvec === 0) {
          f.get(sacc).get(l.wp).mem('f32_load').get(l.o).mem('f32_load').op('f32_mul').op('f32_add').set(sacc);
        } else {
          f.get(l.wp).mem('v128_load32_splat').set(wv);
          for (let q = 0; q < nvec; q++) {
            f.get(accs[q]!).get(wv).get(l.o).mem('v128_load', 16 * q).op('f32x4_mul').op('f32x4_add').set(accs[q]!);
          }
        }
        f.addTo(l.kp, 4).addTo(l.wp, 4).get(l.kp).get(l.kend).op('i32_ne').brIf(k);
      });
      f.get(l.y).get(l.j).i32(2).op('i32_shl').op('i32_add').set(l.o);
      if (nvec === 0) {
        // sacc += accumulate ? y[j] : bias (select keeps its first operand when the condition is non-zero).
        f.get(sacc).get(l.o).mem('f32_load').get(l.bias).get(l.accumulate).op('select').op('f32_add').set(sacc);
        f.get(l.relu).if(() => f.f32(0).get(sacc).get(sacc).f32(0).op('f32_lt').op('select').set(sacc));
        f.get(l.o).get(sacc).mem('f32_store');
      } else {
        f.get(l.accumulate).if(() => {
          for (let q = 0; q < nvec; q++) f.get(accs[q]!).get(l.o).mem('v128_load', 16 * q).op('f32x4_add').set(accs[q]!);
        }, () => {
          f.get(l.bias).op('f32x4_splat').set(scal);
          for (const x of accs) f.get(x).get(scal).op('f32x4_add').set(x);
        });
        f.get(l.relu).if(() => {
          zero(f, scal);
          for (const x of accs) f.get(x).get(scal).op('f32x4_pmax').set(x);
        });
        for (let q = 0; q < nvec; q++) f.get(l.o).get(accs[q]!).mem('v128_store', 16 * q);
      }
      f.addTo(l.j, pixels).br(top);
    });
  });
}

/** conv_m1_row: see {@link KernelExports.conv_m1_row}. Blocks of 24 pixels (6 accumulators + 6 hoisted loads + splat + temporary = 14 xmm), then 16, 8, 4 and 1 for the rest of the row. */
function emitConvM1Row(f: FunctionBuilder): void {
  const P = (n: string): Local => f.param(n);
  const l = {
    y: P('y'), x: P('x'), width: P('width'), kOff: P('kOff'), w: P('w'), bias: P('bias'), relu: P('relu'), accumulate: P('accumulate'),
    kend: f.local(i32, 'kend'), j: f.local(i32, 'j'), p: f.local(i32, 'p'), o: f.local(i32, 'o'),
    kp: f.local(i32, 'kp'), wp: f.local(i32, 'wp'),
  };
  f.get(l.kOff).get(P('kc')).i32(2).op('i32_shl').op('i32_add').set(l.kend);
  f.i32(0).set(l.j);
  for (const nvec of [6, 4, 2, 1, 0]) emitM1Block(f, nvec, l);
}

/** pad_plane: see {@link KernelExports.pad_plane}. */
function emitPadPlane(f: FunctionBuilder): void {
  const P = (n: string): Local => f.param(n);
  const [dst, src, h, w, padT, padL, padB, padR, replicate] =
    ['dst', 'src', 'h', 'w', 'padT', 'padL', 'padB', 'padR', 'replicate'].map(P) as
    [Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const rowBytes = f.local(i32, 'rowBytes');
  const hp = f.local(i32, 'hp');
  const p = f.local(i32, 'p');
  const i = f.local(i32, 'i');
  const q = f.local(i32, 'q');
  const drow = f.local(i32, 'drow');
  const srow = f.local(i32, 'srow');
  const right = f.local(i32, 'right');
  const edge = f.local(f32, 'edge');
  const bytes = (x: Local): void => {
    f.get(x).i32(2).op('i32_shl');
  };
  f.get(padL).get(w).op('i32_add').get(padR).op('i32_add').i32(2).op('i32_shl').set(rowBytes);
  f.get(padT).get(h).op('i32_add').get(padB).op('i32_add').set(hp);
  f.get(dst).set(drow);
  f.forRange(p, 0, hp, 1, () => {
    f.get(p).get(padT).op('i32_sub').set(i);
    // A row outside the image is all zeros unless borders replicate: !(replicate || 0 <= i < h).
    f.get(replicate).get(i).get(h).op('i32_lt_u').op('i32_or').op('i32_eqz').if(
      () => f.get(drow).i32(0).get(rowBytes).memoryFill(),
      () => {
        f.get(i).i32(0).op('i32_lt_s').if(() => f.i32(0).set(i));
        f.get(i).get(h).op('i32_ge_s').if(() => f.get(h).i32(1).op('i32_sub').set(i));
        f.get(src).get(i).get(w).op('i32_mul').i32(2).op('i32_shl').op('i32_add').set(srow);
        f.get(drow).get(padL).get(w).op('i32_add').i32(2).op('i32_shl').op('i32_add').set(right);
        f.get(drow);
        bytes(padL);
        f.op('i32_add').get(srow);
        bytes(w);
        f.memoryCopy();
        f.get(replicate).if(
          () => {
            f.get(srow).mem('f32_load').set(edge);
            f.forRange(q, 0, padL, 1, () => {
              f.get(drow);
              bytes(q);
              f.op('i32_add').get(edge).mem('f32_store');
            });
            f.get(right).i32(4).op('i32_sub').mem('f32_load').set(edge);
            f.forRange(q, 0, padR, 1, () => {
              f.get(right);
              bytes(q);
              f.op('i32_add').get(edge).mem('f32_store');
            });
          },
          () => {
            f.get(drow).i32(0);
            bytes(padL);
            f.memoryFill();
            f.get(right).i32(0);
            bytes(padR);
            f.memoryFill();
          },
        );
      },
    );
    f.addTo(drow, rowBytes);
  });
}

/** sum: see {@link KernelExports.sum}. Four v128 partial sums (16 floats per step), then the tail. */
function emitSum(f: FunctionBuilder): void {
  const ptr = f.param('ptr');
  const len = f.param('len');
  const p = f.local(i32, 'p');
  const end = f.local(i32, 'end');
  const acc = Array.from({ length: 4 }, (_, q) => f.local(v128, `acc${q}`));
  const s = f.local(f32, 's');
  for (const x of acc) zero(f, x);
  f.get(ptr).set(p);
  f.get(ptr).get(len).i32(-16).op('i32_and').i32(2).op('i32_shl').op('i32_add').set(end);
  f.get(p).get(end).op('i32_ne').if(() => {
    f.loop((top) => {
      for (let q = 0; q < 4; q++) f.get(acc[q]!).get(p).mem('v128_load', 16 * q).op('f32x4_add').set(acc[q]!);
      f.addTo(p, 64).get(p).get(end).op('i32_ne').brIf(top);
    });
  });
  f.get(acc[0]!).get(acc[1]!).op('f32x4_add').get(acc[2]!).get(acc[3]!).op('f32x4_add').op('f32x4_add').set(acc[0]!);
  f.get(acc[0]!).extractLane(0).get(acc[0]!).extractLane(1).op('f32_add');
  f.get(acc[0]!).extractLane(2).get(acc[0]!).extractLane(3).op('f32_add').op('f32_add').set(s);
  f.get(ptr).get(len).i32(2).op('i32_shl').op('i32_add').set(end);
  f.get(p).get(end).op('i32_ne').if(() => {
    f.loop((top) => {
      f.get(s).get(p).mem('f32_load').op('f32_add').set(s);
      f.addTo(p, 4).get(p).get(end).op('i32_ne').brIf(top);
    });
  });
  f.get(s);
}

/**
 * corr_taps: see {@link KernelExports.corr_taps}. Passes of 4 taps (4 independent v128 chains over
 * j, each product sharing one dy load), then 1-tap passes for the rest; columns past the last
 * multiple of 4 go through a scalar tail.
 */
function emitCorrTaps(f: FunctionBuilder): void {
  const P = (n: string): Local => f.param(n);
  const [dst, x, dy, rows, cols, xStride, dyStride, taps, accumulate] =
    ['dst', 'x', 'dy', 'rows', 'cols', 'xStride', 'dyStride', 'taps', 'accumulate'].map(P) as
    [Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const s0 = f.local(i32, 's0');
  const i = f.local(i32, 'i');
  const jb = f.local(i32, 'jb');
  const vecEnd = f.local(i32, 'vecEnd');
  const rowEnd = f.local(i32, 'rowEnd');
  const xr = f.local(i32, 'xr');
  const dr = f.local(i32, 'dr');
  const d = f.local(v128, 'd');
  const ds = f.local(f32, 'ds');
  const out = f.local(i32, 'out');
  f.get(cols).i32(-4).op('i32_and').i32(2).op('i32_shl').set(vecEnd);
  f.get(cols).i32(2).op('i32_shl').set(rowEnd);
  f.i32(0).set(s0);
  const pass = (t: number): void => {
    const acc = Array.from({ length: t }, (_, q) => f.local(v128, `t${t}acc${q}`));
    const sacc = Array.from({ length: t }, (_, q) => f.local(f32, `t${t}s${q}`));
    f.block((done) => {
      f.loop((top) => {
        f.get(s0).i32(t).op('i32_add').get(taps).op('i32_gt_s').brIf(done);
        for (const a of acc) zero(f, a);
        for (const a of sacc) f.f32(0).set(a);
        f.get(x).get(s0).i32(2).op('i32_shl').op('i32_add').set(xr);
        f.get(dy).set(dr);
        f.forRange(i, 0, rows, 1, () => {
          f.forRange(jb, 0, vecEnd, 16, () => {
            f.get(dr).get(jb).op('i32_add').mem('v128_load').set(d);
            for (let q = 0; q < t; q++) {
              f.get(acc[q]!).get(d).get(xr).get(jb).op('i32_add').mem('v128_load', 4 * q).op('f32x4_mul').op('f32x4_add').set(acc[q]!);
            }
          });
          f.forRange(jb, vecEnd, rowEnd, 4, () => {
            f.get(dr).get(jb).op('i32_add').mem('f32_load').set(ds);
            for (let q = 0; q < t; q++) {
              f.get(sacc[q]!).get(ds).get(xr).get(jb).op('i32_add').mem('f32_load', 4 * q).op('f32_mul').op('f32_add').set(sacc[q]!);
            }
          });
          f.addTo(xr, xStride).addTo(dr, dyStride);
        });
        for (let q = 0; q < t; q++) {
          f.get(dst).get(s0).i32(q).op('i32_add').i32(2).op('i32_shl').op('i32_add').set(out);
          f.get(acc[q]!).extractLane(0).get(acc[q]!).extractLane(1).op('f32_add');
          f.get(acc[q]!).extractLane(2).get(acc[q]!).extractLane(3).op('f32_add').op('f32_add');
          f.get(sacc[q]!).op('f32_add').set(sacc[q]!);
          f.get(accumulate).if(() => f.get(sacc[q]!).get(out).mem('f32_load').op('f32_add').set(sacc[q]!));
          f.get(out).get(sacc[q]!).mem('f32_store');
        }
        f.addTo(s0, t).br(top);
      });
    });
  };
  pass(4);
  pass(1);
}

/**
 * relu_grad: see {@link KernelExports.relu_grad}. Branch-free: the mask of `y > 0` (all ones or
 * all zeros per lane) ANDed with dy's bits, 4 lanes at a time, then the tail one float at a time.
 */
function emitReluGrad(f: FunctionBuilder): void {
  const [dx, dy, y, len] = ['dx', 'dy', 'y', 'len'].map((n) => f.param(n)) as [Local, Local, Local, Local];
  const off = f.local(i32, 'off');
  const end = f.local(i32, 'end');
  const zeros = f.local(v128, 'zeros');
  zero(f, zeros);
  f.get(len).i32(-4).op('i32_and').i32(2).op('i32_shl').set(end);
  f.get(off).get(end).op('i32_ne').if(() => {
    f.loop((top) => {
      f.get(dx).get(off).op('i32_add');
      f.get(dy).get(off).op('i32_add').mem('v128_load');
      f.get(y).get(off).op('i32_add').mem('v128_load').get(zeros).op('f32x4_gt');
      f.op('v128_and').mem('v128_store');
      f.addTo(off, 16).get(off).get(end).op('i32_ne').brIf(top);
    });
  });
  f.get(len).i32(2).op('i32_shl').set(end);
  f.get(off).get(end).op('i32_ne').if(() => {
    f.loop((top) => {
      f.get(dx).get(off).op('i32_add');
      f.get(dy).get(off).op('i32_add').mem('f32_load').f32(0);
      f.get(y).get(off).op('i32_add').mem('f32_load').f32(0).op('f32_gt');
      f.op('select').mem('f32_store');
      f.addTo(off, 4).get(off).get(end).op('i32_ne').brIf(top);
    });
  });
}

/** axpy_rows: see {@link KernelExports.axpy_rows}. */
function emitAxpyRows(f: FunctionBuilder): void {
  const P = (n: string): Local => f.param(n);
  const [c, b, ldb, w, k, width] = ['c', 'b', 'ldb', 'w', 'k', 'width'].map(P) as [Local, Local, Local, Local, Local, Local];
  const p = f.local(i32, 'p');
  const jb = f.local(i32, 'jb');
  const vecEnd = f.local(i32, 'vecEnd');
  const rowEnd = f.local(i32, 'rowEnd');
  const row = f.local(i32, 'row');
  const wv = f.local(v128, 'wv');
  const ws = f.local(f32, 'ws');
  f.get(width).i32(-4).op('i32_and').i32(2).op('i32_shl').set(vecEnd);
  f.get(width).i32(2).op('i32_shl').set(rowEnd);
  f.get(c).i32(0).get(rowEnd).memoryFill();
  f.get(b).set(row);
  f.forRange(p, 0, k, 1, () => {
    f.get(w).get(p).i32(2).op('i32_shl').op('i32_add').mem('f32_load').set(ws);
    f.get(ws).op('f32x4_splat').set(wv);
    f.forRange(jb, 0, vecEnd, 16, () => {
      f.get(c).get(jb).op('i32_add');
      f.get(c).get(jb).op('i32_add').mem('v128_load');
      f.get(wv).get(row).get(jb).op('i32_add').mem('v128_load').op('f32x4_mul').op('f32x4_add').mem('v128_store');
    });
    f.forRange(jb, vecEnd, rowEnd, 4, () => {
      f.get(c).get(jb).op('i32_add');
      f.get(c).get(jb).op('i32_add').mem('f32_load');
      f.get(ws).get(row).get(jb).op('i32_add').mem('f32_load').op('f32_mul').op('f32_add').mem('f32_store');
    });
    f.addTo(row, ldb);
  });
}

/** Emits the kernel module for `spec`, importing `env.memory` with the given limits. */
export function buildKernelModule(spec: KernelSpec, memory: MemorySpec): Uint8Array {
  if (spec.nr % 4 !== 0 || spec.nr <= 0 || spec.mr <= 0) throw new RangeError(`bad micro-tile ${spec.mr}x${spec.nr}`);
  const m = new ModuleBuilder().importMemory('env', 'memory', memory);
  const packParams = [['dst', i32], ['base', i32], ['colOff', i32], ['ncols', i32], ['kOff', i32], ['kc', i32]] as const;
  m.addFunction('pack_a', packParams, [], (f) => emitPack(f, spec.mr));
  m.addFunction('pack_b', packParams, [], (f) => emitPack(f, spec.nr));
  m.addFunction('macro', [['ap', i32], ['bp', i32], ['c', i32], ['mc', i32], ['nc', i32], ['kc', i32], ['ldc', i32],
    ['alpha', f32], ['beta', f32], ['flags', i32], ['bias', i32], ['tile', i32]], [], (f) => emitMacro(f, spec, false));
  m.addFunction('macro_direct', [['ap', i32], ['bBase', i32], ['c', i32], ['mc', i32], ['nc', i32], ['kc', i32], ['ldc', i32],
    ['alpha', f32], ['beta', f32], ['flags', i32], ['bias', i32], ['tile', i32], ['kOff', i32]], [], (f) => emitMacro(f, spec, true));
  m.addFunction('conv_m1_row', [['y', i32], ['x', i32], ['width', i32], ['kOff', i32], ['w', i32], ['kc', i32],
    ['bias', f32], ['relu', i32], ['accumulate', i32]], [], emitConvM1Row);
  m.addFunction('pad_plane', [['dst', i32], ['src', i32], ['h', i32], ['w', i32], ['padT', i32], ['padL', i32],
    ['padB', i32], ['padR', i32], ['replicate', i32]], [], emitPadPlane);
  m.addFunction('sum', [['ptr', i32], ['len', i32]], [f32], emitSum);
  m.addFunction('corr_taps', [['dst', i32], ['x', i32], ['dy', i32], ['rows', i32], ['cols', i32], ['xStride', i32],
    ['dyStride', i32], ['taps', i32], ['accumulate', i32]], [], emitCorrTaps);
  m.addFunction('axpy_rows', [['c', i32], ['b', i32], ['ldb', i32], ['w', i32], ['k', i32], ['width', i32]], [], emitAxpyRows);
  m.addFunction('relu_grad', [['dx', i32], ['dy', i32], ['y', i32], ['len', i32]], [], emitReluGrad);
  return m.encode();
}
