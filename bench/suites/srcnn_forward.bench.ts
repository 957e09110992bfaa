/**
 * Whole SRCNN forward pass (3 conv layers, batch 1, 1 channel, random weights) on the 'js' backend,
 * single thread, against the tfjs cpu backend (@tensorflow/tfjs-core + tfjs-backend-cpu: pure JS,
 * the fair pure-JS peer) timed in the same process. GFLOP/s = 2 · exact MACs / time; time is one
 * forward with buffers allocated beforehand (ours) or tensors created beforehand and the output read
 * back with dataSync (tfjs, using tf.fused.conv2d with bias and ReLU fused).
 *
 * Padding: our 915/955 rows use the authors' 'same' replicate borders; tfjs has no replicate mode,
 * so its rows use 'same' zero padding (same work, timing only). The Keras model is valid /
 * same-zeros / valid in both.
 *
 * tfjs is slow (~1 GFLOP/s: 1-9 s per forward here), so it does 1 warm-up and 1 timed run.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { gflops, measure, throughputRow, type BenchRow, type BenchSuite } from '../harness.js';
import { createJsBackend } from '../../lib/backend/js.js';
import { convInfo, convMacs, type ConvInfo } from '../../lib/kernels/conv_info.js';
import { BENCH_MODELS, lcgFloat32, type BenchLayer } from '../data.js';

/** OIHW -> HWIO (tfjs filter layout). */
function toHwio(w: Float32Array, L: BenchLayer): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < L.outC; o++) for (let c = 0; c < L.inC; c++) for (let r = 0; r < L.k; r++) for (let s = 0; s < L.k; s++) {
    out[((r * L.k + s) * L.inC + c) * L.outC + o] = w[((o * L.inC + c) * L.k + r) * L.k + s]!;
  }
  return out;
}

export const suite: BenchSuite = {
  name: 'srcnn_forward',
  async run(ctx) {
    const q = ctx.quick;
    await tf.setBackend('cpu');
    await tf.ready();
    const cases: [string, number][] = q
      ? [['9-1-5', 64], ['9-5-5', 64], ['keras 9-3-5 (128-64)', 64]]
      : [['9-1-5', 256], ['9-1-5', 512], ['9-5-5', 256], ['keras 9-3-5 (128-64)', 256]];
    const be = createJsBackend();
    const rows: BenchRow[] = [];
    for (const [model, side] of cases) {
      const specs = BENCH_MODELS[model]!;
      const x = lcgFloat32(side * side, 1, 0.5);
      x.forEach((v, i) => (x[i] = v + 0.5));
      const infos: ConvInfo[] = [];
      let [h, w] = [side, side];
      for (const L of specs) {
        const info = convInfo([1, L.inC, h, w], [L.outC, L.inC, L.k, L.k], L.padding, L.mode);
        infos.push(info);
        [h, w] = [info.outH, info.outW];
      }
      const weights = specs.map((L, i) => lcgFloat32(L.outC * L.inC * L.k * L.k, 10 + i, 1 / Math.sqrt(L.inC * L.k * L.k)));
      const biases = specs.map((L, i) => lcgFloat32(L.outC, 20 + i, 0.05));
      const acts = infos.map((info) => be.alloc(info.outC * info.outH * info.outW));
      const macs = infos.reduce((s, info) => s + convMacs(info), 0);
      const ours = (): Float32Array => {
        let cur = x;
        specs.forEach((L, i) => (cur = be.conv2d(acts[i]!, cur, weights[i]!, biases[i]!, infos[i]!, L.relu)));
        return cur;
      };
      const t = await measure(ours, { warmup: q ? 0 : 1, runs: q ? 1 : side >= 512 ? 3 : 5 });

      const tx = tf.tensor4d(x, [1, side, side, 1]);
      const tw = specs.map((L, i) => tf.tensor4d(toHwio(weights[i]!, L), [L.k, L.k, L.inC, L.outC]));
      const tb = biases.map((b) => tf.tensor1d(b));
      const peer = (): Float32Array => {
        const y = tf.tidy(() => {
          let cur: tf.Tensor4D = tx;
          specs.forEach((L, i) => {
            cur = tf.fused.conv2d({ x: cur, filter: tw[i]!, strides: 1, pad: L.padding, bias: tb[i]!, activation: L.relu ? 'relu' : 'linear' });
          });
          return cur;
        });
        const out = y.dataSync() as Float32Array;
        y.dispose();
        return out;
      };
      const tp = await measure(peer, { warmup: q ? 0 : 1, runs: 1 });
      tf.dispose([tx, ...tw, ...tb]);
      rows.push(throughputRow('srcnn_forward', `${model} ${side}x${side} js backend (1 thread)`, 'GFLOP/s', (ms) => gflops(2 * macs, ms), t,
        { name: 'tfjs-backend-cpu 4.22', timing: tp },
        { model, side, macs, ms: t.medianMs, peerMs: tp.medianMs, peerPadding: model.startsWith('keras') ? 'same as ours' : "'same' zeros (tfjs has no replicate)" }));
    }
    be.dispose();
    return rows;
  },
};
