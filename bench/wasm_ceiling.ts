/**
 * The WebAssembly SIMD ceiling of one core, measured in the benchmark's own process so that GEMM
 * GFLOP/s can be read as a fraction of what this core delivers right now (a shared virtual machine
 * runs faster or slower from one hour to the next; the fraction moves much less than the GFLOP/s).
 *
 * The loop has no loads and no stores: 8 independent f32x4 accumulators each take `acc += x·y`
 * per iteration, as `f32x4.mul` + `f32x4.add` (the instruction mix of the mul+add GEMM kernel) or
 * as one `f32x4.relaxed_madd` (the FMA kernel). 8 accumulators cover the add latency on two
 * pipes (../shared/anchors/wasm-simd.md "Ceiling": 4 lanes x 2 pipes x 2 flop per cycle).
 */
import { ModuleBuilder, ValType } from '../lib/wasm/emitter.js';
import { wasmApi } from '../lib/wasm/runtime.js';

const ACCUMULATORS = 8;
const ITERATIONS = 20_000_000;

type Peak = (n: number) => number;

function buildPeak(fma: boolean): Peak {
  const m = new ModuleBuilder();
  m.addFunction('peak', [['n', ValType.i32]], [ValType.f32], (f) => {
    const n = f.param('n');
    const acc = Array.from({ length: ACCUMULATORS }, (_, i) => f.local(ValType.v128, `a${i}`));
    const x = f.local(ValType.v128, 'x');
    const y = f.local(ValType.v128, 'y');
    f.f32(1.0001).op('f32x4_splat').set(x);
    f.f32(0.9999).op('f32x4_splat').set(y);
    for (const a of acc) f.f32(0).op('f32x4_splat').set(a);
    f.loop((top) => {
      for (const a of acc) {
        if (fma) f.get(x).get(y).get(a).op('f32x4_relaxed_madd').set(a);
        else f.get(a).get(x).get(y).op('f32x4_mul').op('f32x4_add').set(a);
      }
      f.addTo(n, -1).get(n).brIf(top);
    });
    // Sum the accumulators into the result so that no work is dead.
    f.get(acc[0]!);
    for (let i = 1; i < ACCUMULATORS; i++) f.get(acc[i]!).op('f32x4_add');
    f.extractLane(0);
  });
  if (!wasmApi) throw new Error('this runtime has no WebAssembly');
  const inst = new wasmApi.Instance(new wasmApi.Module(m.encode()), {});
  return inst.exports['peak'] as Peak;
}

/** The load-free loop for `fma` or mul+add, and the floating-point operations one call does. */
export function simdCeilingLoop(fma: boolean): { run: () => void; flops: number } {
  const peak = buildPeak(fma);
  return { run: () => peak(ITERATIONS), flops: ITERATIONS * ACCUMULATORS * 4 * 2 };
}
