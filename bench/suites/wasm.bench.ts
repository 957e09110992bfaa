/**
 * The 'wasm-simd' backend on 1 and 2 threads, against the scalar 'js' backend timed in the same
 * process:
 * - GEMM GFLOP/s (2·m·n·k / time, packing included) on 512³, 1024³ and the im2col shapes of SRCNN
 *   at 256x256 (M = outC, K = inC·kh·kw, N = 65536);
 * - SRCNN forward (batch 1, one 512x512 channel, random weights) in ms: 9-1-5 and 9-5-5 ('same',
 *   replicate borders), Keras 9-3-5 128/64 (valid / same zeros / valid), run as Sequential runs
 *   inference (9-1-5's first two layers as one conv2dPair call);
 * - a training step of 9-1-5 on a batch of 16 33x33 patches (valid): forward, then both gradients
 *   of every layer (no dx for the first), in ms (`extra.patchesPerSecond`: batch / median time).
 * Every row's `extra.load1` is the 1-minute load average just before its timed runs (the machine may
 * be shared; 2-thread rows mean little when it is above about 1 on 2 cores).
 * The first row is the core's WebAssembly SIMD ceiling, measured in this process by the GEMM
 * micro-kernel's k loop with its operands in L1 (`wasm_ceiling.ts`); every GEMM row's
 * and SRCNN forward row's `extra.ofCeiling` is its GFLOP/s over `threads` x that ceiling.
 * Buffers come from each backend's `alloc`, so nothing is copied. The 'js' baseline is slow, so on
 * shapes with N = 65536 it runs N/8 columns and its time is multiplied by 8 (`extra.baselineScale`);
 * on whole models it does 1 run (0 with --quick, where sizes shrink too).
 */
import { loadavg } from 'node:os';
import { gflops, measure, throughputRow, type BenchRow, type BenchSuite, type Timing } from '../harness.js';
import type { Backend, ConvStep } from '../../lib/backend/backend.js';
import { createJsBackend } from '../../lib/backend/js.js';
import { createWasmBackend } from '../../lib/backend/wasm.js';
import { spawnNodeWasmWorker } from '../../lib/node/wasm_workers.js';
import { convInfo, convMacs, isPointwise, type ConvInfo } from '../../lib/kernels/conv_info.js';
import { relaxedSimdSupported } from '../../lib/wasm/runtime.js';
import { BENCH_MODELS, lcgFloat32, scaledTiming, type BenchLayer } from '../data.js';
import { simdCeilingLoop } from '../wasm_ceiling.js';

const SUITE = 'wasm';

/** A copy of `src` in `be`'s memory. */
function onto(be: Backend, src: Float32Array): Float32Array {
  const b = be.alloc(src.length);
  b.set(src);
  return b;
}

/** A row in ms: value = median ms, ratio = baseline ms / ms (> 1 = faster). */
function msRow(name: string, timing: Timing, baseline: { name: string; timing: Timing }, extra?: Record<string, unknown>): BenchRow {
  const row: BenchRow = {
    suite: SUITE, name, unit: 'ms', value: timing.medianMs, timing,
    baseline: { name: baseline.name, value: baseline.timing.medianMs, timing: baseline.timing },
    ratio: baseline.timing.medianMs / timing.medianMs,
  };
  if (extra) row.extra = extra;
  return row;
}

interface GemmShape {
  name: string;
  m: number;
  n: number;
  k: number;
}

function gemmShapes(quick: boolean): GemmShape[] {
  const N = quick ? 4096 : 65536;
  return [
    { name: '512^3', m: 512, n: 512, k: 512 },
    ...(quick ? [] : [{ name: '1024^3', m: 1024, n: 1024, k: 1024 }]),
    { name: `conv1 9x9 1->64 M=64 K=81 N=${N}`, m: 64, n: N, k: 81 },
    { name: `1x1 64->32 M=32 K=64 N=${N}`, m: 32, n: N, k: 64 },
    { name: `5x5 32->1 M=1 K=800 N=${N}`, m: 1, n: N, k: 800 },
    { name: `5x5 64->32 M=32 K=1600 N=${N}`, m: 32, n: N, k: 1600 },
    { name: `keras 9x9 1->128 M=128 K=81 N=${N}`, m: 128, n: N, k: 81 },
    { name: `keras 3x3 128->64 M=64 K=1152 N=${N}`, m: 64, n: N, k: 1152 },
  ];
}

/** A model's layers on one backend: geometry, weights and activation buffers, all pre-allocated. */
interface Net {
  infos: ConvInfo[];
  w: Float32Array[];
  b: Float32Array[];
  acts: Float32Array[];
  relu: boolean[];
}

function buildNet(be: Backend, layers: readonly BenchLayer[], batch: number, h: number, w: number): Net {
  const net: Net = { infos: [], w: [], b: [], acts: [], relu: [] };
  let shape = [batch, 1, h, w];
  net.acts.push(onto(be, lcgFloat32(shape.reduce((p, q) => p * q, 1), 7, 0.5)));
  layers.forEach((l, i) => {
    const info = convInfo(shape, [l.outC, l.inC, l.k, l.k], l.padding, l.mode);
    const fanIn = l.inC * l.k * l.k;
    net.infos.push(info);
    net.w.push(onto(be, lcgFloat32(l.outC * fanIn, 100 + i, Math.sqrt(2 / fanIn))));
    net.b.push(onto(be, lcgFloat32(l.outC, 200 + i, 0.01)));
    net.relu.push(l.relu);
    shape = [batch, l.outC, info.outH, info.outW];
    net.acts.push(be.alloc(shape.reduce((p, q) => p * q, 1)));
  });
  return net;
}

/**
 * The forward pass. For inference (`fuse`), as Sequential runs it: a layer followed by a pointwise
 * one is one conv2dPair call (the intermediate activation buffer is then left unwritten); training
 * keeps every activation.
 */
function forward(be: Backend, net: Net, fuse: boolean): void {
  const step = (i: number): ConvStep => ({ w: net.w[i]!, bias: net.b[i]!, info: net.infos[i]!, relu: net.relu[i]! });
  for (let i = 0; i < net.infos.length; i++) {
    const next = net.infos[i + 1];
    if (fuse && next !== undefined && isPointwise(next)) {
      be.conv2dPair(net.acts[i + 2]!, net.acts[i]!, step(i), step(i + 1));
      i++;
    } else {
      be.conv2d(net.acts[i + 1]!, net.acts[i]!, net.w[i]!, net.b[i]!, net.infos[i]!, net.relu[i]!);
    }
  }
}

/** Forward, then dW/db of every layer and dx of every layer but the first (ReLU masks not applied: timing only). */
function trainStep(be: Backend, net: Net, grads: { dw: Float32Array[]; db: Float32Array[]; dy: Float32Array[] }): void {
  forward(be, net, false);
  for (let i = net.infos.length - 1; i >= 0; i--) {
    be.conv2dBackpropFilter(grads.dw[i]!, grads.db[i]!, net.acts[i]!, grads.dy[i + 1]!, net.infos[i]!);
    if (i > 0) be.conv2dBackpropInput(grads.dy[i]!, grads.dy[i + 1]!, net.w[i]!, net.infos[i]!);
  }
}

function modelMacs(net: Net): number {
  return net.infos.reduce((s, info) => s + convMacs(info), 0);
}

export const suite: BenchSuite = {
  name: SUITE,
  async run(ctx) {
    const rows: BenchRow[] = [];
    const js = createJsBackend();
    const wasm: Backend[] = [createWasmBackend(), createWasmBackend({ threads: 2, spawnWorker: spawnNodeWasmWorker })];
    const opts = { warmup: ctx.quick ? 1 : 2, runs: ctx.quick ? 2 : 7 };
    try {
      // ---- ceiling ------------------------------------------------------------------------------
      // The backends were created with fma 'auto', so their kernels use relaxed SIMD exactly when it validates.
      const fma = relaxedSimdSupported();
      const ceilingLoad1 = loadavg()[0];
      const loop = simdCeilingLoop(fma);
      const ct = await measure(loop.run, opts);
      const ceiling = gflops(loop.flops, ct.medianMs);
      rows.push({
        suite: SUITE, name: `simd ceiling (${loop.tile} ${fma ? 'relaxed_madd' : 'mul+add'}, operands in L1) 1t`, unit: 'GFLOP/s', value: ceiling,
        timing: ct, extra: { fma, bestGflops: gflops(loop.flops, ct.minMs), load1: ceilingLoad1 },
      });

      // ---- GEMM ---------------------------------------------------------------------------------
      for (const s of gemmShapes(ctx.quick)) {
        const a = lcgFloat32(s.m * s.k, 1);
        const b = lcgFloat32(s.k * s.n, 2);
        const flops = 2 * s.m * s.n * s.k;
        const scale = s.n >= 65536 ? 8 : 1;
        const nb = s.n / scale;
        const cj = new Float32Array(s.m * nb);
        const bj = scale === 1 ? b : lcgFloat32(s.k * nb, 2);
        const base = await measure(() => js.gemm(false, false, s.m, nb, s.k, 1, a, s.k, bj, nb, 0, cj, nb), { warmup: 1, runs: ctx.quick ? 1 : 3 });
        for (const be of wasm) {
          const A = onto(be, a);
          const B = onto(be, b);
          const C = be.alloc(s.m * s.n);
          const load1 = loadavg()[0];
          const t = await measure(() => be.gemm(false, false, s.m, s.n, s.k, 1, A, s.k, B, s.n, 0, C, s.n), opts);
          const ofCeiling = gflops(flops, t.medianMs) / (be.threads * ceiling);
          rows.push(throughputRow(SUITE, `gemm ${s.name} ${be.threads}t`, 'GFLOP/s', (ms) => gflops(flops, ms), t,
            { name: 'js backend', timing: scaledTiming(base, scale) }, { baselineScale: scale, bestGflops: gflops(flops, t.minMs), ofCeiling, load1 }));
          for (const x of [A, B, C]) be.free(x);
        }
      }

      // ---- SRCNN forward ------------------------------------------------------------------------
      const size = ctx.quick ? 128 : 512;
      for (const [model, layers] of Object.entries(BENCH_MODELS)) {
        const jnet = buildNet(js, layers, 1, size, size);
        const base = await measure(() => forward(js, jnet, true), { warmup: ctx.quick ? 0 : 1, runs: 1 });
        for (const be of wasm) {
          const net = buildNet(be, layers, 1, size, size);
          const load1 = loadavg()[0];
          const t = await measure(() => forward(be, net, true), opts);
          const g = gflops(2 * modelMacs(net), t.medianMs);
          rows.push(msRow(`srcnn ${model} ${size}x${size} ${be.threads}t`, t, { name: 'js backend', timing: base },
            { gflops: g, ofCeiling: g / (be.threads * ceiling), bestMs: t.minMs, load1 }));
          for (const x of [...net.w, ...net.b, ...net.acts]) be.free(x);
        }
      }

      // ---- SRCNN training step (batch of 33x33 patches) ------------------------------------------
      const batch = ctx.quick ? 4 : 16;
      const trainLayers: BenchLayer[] = [
        { inC: 1, outC: 64, k: 9, padding: 'valid', mode: 'zeros', relu: true },
        { inC: 64, outC: 32, k: 1, padding: 'valid', mode: 'zeros', relu: true },
        { inC: 32, outC: 1, k: 5, padding: 'valid', mode: 'zeros', relu: false },
      ];
      const timeStep = async (be: Backend, runOpts: { warmup: number; runs: number }): Promise<{ t: Timing; macs: number }> => {
        const net = buildNet(be, trainLayers, batch, 33, 33);
        const grads = {
          dw: net.w.map((w) => be.alloc(w.length)),
          db: net.b.map((b) => be.alloc(b.length)),
          dy: net.acts.map((a, i) => (i === 0 ? be.alloc(0) : onto(be, lcgFloat32(a.length, 300 + i, 0.01)))),
        };
        const t = await measure(() => trainStep(be, net, grads), runOpts);
        return { t, macs: modelMacs(net) };
      };
      const jstep = await timeStep(js, { warmup: 1, runs: ctx.quick ? 1 : 3 });
      for (const be of wasm) {
        const load1 = loadavg()[0];
        const { t, macs } = await timeStep(be, { warmup: 2, runs: ctx.quick ? 2 : 9 });
        // forward + dW + dx (all but the first layer's dx): about 3x the forward MACs.
        rows.push(msRow(`train step 9-1-5 ${batch}x1x33x33 valid ${be.threads}t`, t, { name: 'js backend', timing: jstep.t },
          {
            forwardMacs: macs, bestMs: t.minMs, patchesPerSecond: batch / (t.medianMs / 1000),
            baselinePatchesPerSecond: batch / (jstep.t.medianMs / 1000), load1,
          }));
      }
    } finally {
      for (const be of wasm) be.dispose();
      js.dispose();
    }
    return rows;
  },
};
