/**
 * conv2d forward throughput (GFLOP/s = 2·MACs / time, bias and ReLU included in the time) of
 * lib/kernels/conv2d.ts on every SRCNN layer at 256x256, against the naive direct loop of
 * spec/helpers/naive.ts (float64 sums) timed in the same process.
 *
 * The direct loop runs at ~1 GFLOP/s, so it runs on a smaller square input (at most ~2e8 MACs) and
 * its time is scaled by the MAC ratio (it is compute-bound; `extra.baselineScaled` says so).
 */
import { gflops, measure, throughputRow, type BenchRow, type BenchSuite } from '../harness.js';
import { conv2d } from '../../lib/kernels/conv2d.js';
import { convInfo, convMacs } from '../../lib/kernels/conv_info.js';
import { naiveConv2d } from '../../spec/helpers/naive.js';
import { lcgFloat32, scaledTiming, type BenchLayer } from '../data.js';

interface Layer extends BenchLayer {
  name: string;
  /** Input side at 256x256 (the Keras middle layer sees the 248x248 output of a valid 9x9). */
  side: number;
}

export const suite: BenchSuite = {
  name: 'conv2d',
  async run(ctx) {
    const q = ctx.quick;
    const S = q ? 64 : 256;
    const layers: Layer[] = [
      { name: '915/955 L1 9x9 1->64 same replicate relu', inC: 1, outC: 64, k: 9, padding: 'same', mode: 'replicate', relu: true, side: S },
      { name: '915 L2 1x1 64->32 relu', inC: 64, outC: 32, k: 1, padding: 'same', mode: 'replicate', relu: true, side: S },
      { name: '955 L2 5x5 64->32 same replicate relu', inC: 64, outC: 32, k: 5, padding: 'same', mode: 'replicate', relu: true, side: S },
      { name: '915/955 L3 5x5 32->1 same replicate', inC: 32, outC: 1, k: 5, padding: 'same', mode: 'replicate', relu: false, side: S },
      { name: 'keras L1 9x9 1->128 valid relu', inC: 1, outC: 128, k: 9, padding: 'valid', mode: 'zeros', relu: true, side: S },
      { name: 'keras L2 3x3 128->64 same zeros relu', inC: 128, outC: 64, k: 3, padding: 'same', mode: 'zeros', relu: true, side: S - 8 },
      { name: 'keras L3 5x5 64->1 valid', inC: 64, outC: 1, k: 5, padding: 'valid', mode: 'zeros', relu: false, side: S - 10 },
    ];
    const rows: BenchRow[] = [];
    for (const L of layers) {
      const wShape = [L.outC, L.inC, L.k, L.k];
      const info = convInfo([1, L.inC, L.side, L.side], wShape, L.padding, L.mode);
      const x = lcgFloat32(L.inC * L.side * L.side, 1, 1);
      const w = lcgFloat32(L.outC * L.inC * L.k * L.k, 2, 0.1);
      const b = lcgFloat32(L.outC, 3, 0.1);
      const y = new Float32Array(L.outC * info.outH * info.outW);
      const macs = convMacs(info);
      const t = await measure(() => conv2d(y, x, w, b, info, L.relu), { warmup: q ? 0 : 1, runs: q ? 1 : 5 });
      const perPixel = L.outC * L.inC * L.k * L.k;
      const side = Math.min(L.side, Math.max(L.k + 8, Math.floor(Math.sqrt(2e8 / perPixel))));
      const small = convInfo([1, L.inC, side, side], wShape, L.padding, L.mode);
      const xs = side === L.side ? x : lcgFloat32(L.inC * side * side, 4, 1);
      const tb = await measure(() => naiveConv2d(xs, w, b, small, L.relu), { warmup: q ? 0 : 1, runs: q ? 1 : 2 });
      const f = macs / convMacs(small);
      rows.push(throughputRow('conv2d', `${L.name} @${L.side}`, 'GFLOP/s', (ms) => gflops(2 * macs, ms), t,
        { name: 'naive direct', timing: scaledTiming(tb, f) },
        {
          macs, K: L.inC * L.k * L.k, M: L.outC, N: info.outH * info.outW,
          path: L.k === 1 ? 'gemm (1x1, no im2col)' : 'banded im2col + gemm',
          ...(f !== 1 ? { baselineScaled: `naive ran at ${side}x${side}, time x${f.toFixed(2)} (MAC ratio)` } : {}),
        }));
    }
    return rows;
  },
};
