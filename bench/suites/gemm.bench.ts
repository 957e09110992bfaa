/**
 * SGEMM throughput (GFLOP/s = 2·m·n·k / time) of lib/kernels/gemm.ts on squares and on the im2col
 * shapes of SRCNN at 256x256 (M = outC, K = inC·kh·kw, N = 65536 output pixels), against the naive
 * i-k-j loop of spec/helpers/naive.ts timed in the same process.
 *
 * The naive baseline is slow (~1.6 GFLOP/s), so on the SRCNN shapes it runs on the first N/8
 * columns and its time is multiplied by 8 (it is compute-bound, so time is linear in N); `extra`
 * says when a row does this.
 */
import { gflops, measure, throughputRow, type BenchRow, type BenchSuite } from '../harness.js';
import { gemm } from '../../lib/kernels/gemm.js';
import { naiveGemmIkj } from '../../spec/helpers/naive.js';
import { lcgFloat32, scaledTiming } from '../data.js';

interface Shape {
  name: string;
  m: number;
  n: number;
  k: number;
  /** The baseline runs on n / baselineDiv columns; its time is scaled back up. */
  baselineDiv: number;
}

export const suite: BenchSuite = {
  name: 'gemm',
  async run(ctx) {
    const q = ctx.quick;
    const N = q ? 4096 : 65536;
    const shapes: Shape[] = [
      ...(q ? [128] : [256, 512, 1024]).map((s) => ({ name: `square ${s}^3`, m: s, n: s, k: s, baselineDiv: 1 })),
      { name: '915/955 L1 9x9 1->64', m: 64, n: N, k: 81, baselineDiv: 8 },
      { name: '915 L2 1x1 64->32', m: 32, n: N, k: 64, baselineDiv: 8 },
      { name: '915/955 L3 5x5 32->1', m: 1, n: N, k: 800, baselineDiv: 8 },
      { name: '955 L2 5x5 64->32', m: 32, n: N, k: 1600, baselineDiv: 8 },
      { name: 'keras L1 9x9 1->128', m: 128, n: N, k: 81, baselineDiv: 8 },
      { name: 'keras L2 3x3 128->64', m: 64, n: N, k: 1152, baselineDiv: 8 },
      { name: 'keras L3 5x5 64->1', m: 1, n: N, k: 1600, baselineDiv: 8 },
    ];
    const rows: BenchRow[] = [];
    for (const s of shapes) {
      const { m, n, k } = s;
      const a = lcgFloat32(m * k, 1);
      const b = lcgFloat32(k * n, 2);
      const c = new Float32Array(m * n);
      const flops = 2 * m * n * k;
      const big = flops > 4e9;
      // Small calls need ~30 warm-up calls before V8 has optimized gemm's own loops (256^3 goes
      // from 3.5 to 6 GFLOP/s); large ones get there within the first call.
      const t = await measure(() => gemm(c, false, false, m, n, k, 1, a, k, b, n, 0, n), {
        warmup: q ? 0 : flops < 1e9 ? 30 : 2, runs: q ? 1 : big ? 3 : 5,
      });
      const nb = Math.max(1, Math.floor(n / (q ? 1 : s.baselineDiv)));
      const bb = nb === n ? b : lcgFloat32(k * nb, 3);
      const cb = new Float32Array(m * nb);
      const tb = await measure(() => naiveGemmIkj(cb, a, bb, m, nb, k), { warmup: q ? 0 : 1, runs: q ? 1 : big ? 1 : 3 });
      rows.push(throughputRow('gemm', `${s.name} (${m}x${n}x${k})`, 'GFLOP/s', (ms) => gflops(flops, ms), t,
        { name: 'naive ikj', timing: scaledTiming(tb, n / nb) },
        {
          m, n, k,
          path: m === 1 ? 'm=1 streaming (axpy, float64 row accumulator)' : 'packed 4x3 micro-kernel',
          ...(nb !== n ? { baselineScaled: `naive ran on n=${nb} columns, time x${n / nb}` } : {}),
        }));
    }
    return rows;
  },
};
