/**
 * The WebAssembly SIMD ceiling of one core for the GEMM micro-kernel, measured in the benchmark's
 * own process so that GEMM GFLOP/s can be read as a fraction of what this core delivers right now
 * (a shared virtual machine runs faster or slower from one hour to the next; the fraction moves much
 * less than the GFLOP/s).
 *
 * The loop is the micro-kernel's k loop (lib/wasm/kernels.ts `macro`) with its register tile
 * (TILE_MUL_ADD, or TILE_FMA for relaxed SIMD) and every operand in L1: each iteration loads MR
 * splats of A and NR/4 vectors of B from the same 64 bytes and does MR·NR/4 multiply-adds into
 * independent accumulators, as `f32x4.mul` + `f32x4.add` or one `f32x4.relaxed_madd`. So it counts
 * what the arithmetic ports and the front end allow for this instruction mix, and nothing of the
 * memory system. The products differ per accumulator and the loads are real (V8 neither folds
 * them nor hoists wasm memory loads out of the loop: checked with `node --print-wasm-code`), which
 * a loop over constant registers does not guarantee: TurboFan folds a loop-invariant `x*y` out of
 * `acc += x*y`, leaving only the adds.
 *
 * Measured ceilings (anchors/wasm-simd.md; docs/performance.md): AMD Zen 5, with two FMUL and two
 * FADD pipes, about 63 GFLOP/s with mul+add; an Intel Xeon (Golden Cove class) whose three vector
 * ports share the multiplies and adds, about 48.
 */
import { TILE_FMA, TILE_MUL_ADD } from '../lib/backend/wasm.js';
import { ModuleBuilder, ValType } from '../lib/wasm/emitter.js';
import { wasmApi } from '../lib/wasm/runtime.js';

const ITERATIONS = 10_000_000;

type Peak = (n: number) => number;

function buildPeak(mr: number, nr: number, fma: boolean): Peak {
  if (!wasmApi) throw new Error('this runtime has no WebAssembly');
  const nv = nr / 4;
  const m = new ModuleBuilder().importMemory('env', 'memory', { initial: 1, maximum: 1, shared: false });
  m.addFunction('peak', [['n', ValType.i32]], [ValType.f32], (f) => {
    const n = f.param('n');
    const acc = Array.from({ length: mr * nv }, (_, i) => f.local(ValType.v128, `acc${i}`));
    const av = Array.from({ length: mr }, (_, i) => f.local(ValType.v128, `a${i}`));
    const bv = Array.from({ length: nv }, (_, i) => f.local(ValType.v128, `b${i}`));
    const base = f.local(ValType.i32, 'base');
    for (const a of acc) f.f32(0).op('f32x4_splat').set(a);
    f.loop((top) => {
      // B at bytes 0.., A at bytes 48..: the same 64 bytes every iteration.
      for (let q = 0; q < nv; q++) f.get(base).mem('v128_load', 16 * q).set(bv[q]!);
      for (let r = 0; r < mr; r++) f.get(base).mem('v128_load32_splat', 48 + 4 * (r % 4)).set(av[r]!);
      for (let r = 0; r < mr; r++) {
        for (let q = 0; q < nv; q++) {
          const x = acc[r * nv + q]!;
          if (fma) f.get(av[r]!).get(bv[q]!).get(x).op('f32x4_relaxed_madd').set(x);
          else f.get(x).get(av[r]!).get(bv[q]!).op('f32x4_mul').op('f32x4_add').set(x);
        }
      }
      f.addTo(n, -1).get(n).brIf(top);
    });
    // Sum the accumulators into the result so that no work is dead.
    f.get(acc[0]!);
    for (let i = 1; i < acc.length; i++) f.get(acc[i]!).op('f32x4_add');
    f.extractLane(0);
  });
  const memory = new wasmApi.Memory({ initial: 1, maximum: 1 });
  new Float32Array(memory.buffer, 0, 16).fill(0.5);
  const inst = new wasmApi.Instance(new wasmApi.Module(m.encode()), { env: { memory } });
  return inst.exports['peak'] as Peak;
}

/** The micro-kernel's L1-resident k loop for `fma` or mul+add, and the floating-point operations one call does. */
export function simdCeilingLoop(fma: boolean): { run: () => void; flops: number; tile: string } {
  const { mr, nr } = fma ? TILE_FMA : TILE_MUL_ADD;
  const peak = buildPeak(mr, nr, fma);
  return { run: () => peak(ITERATIONS), flops: ITERATIONS * mr * nr * 2, tile: `${mr}x${nr}` };
}
