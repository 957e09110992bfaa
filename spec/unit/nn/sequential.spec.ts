import { expect } from 'chai';
import type { Backend } from '../../../lib/backend/backend.js';
import { ShapeError, ValueError, WeightsError } from '../../../lib/errors.js';
import { Sequential } from '../../../lib/nn/sequential.js';
import { initLayers, GaussianStream } from '../../../lib/nn/init.js';
import { netGeometry } from '../../../lib/nn/geometry.js';
import type { LayerSpec, LayerWeights } from '../../../lib/weights/types.js';
import { createNaiveBackend } from '../../helpers/naive_backend.js';
import { createJsBackend } from '../../../lib/backend/js.js';
import { createWasmBackend } from '../../../lib/backend/wasm.js';
import { refForward } from '../../helpers/ref_forward.js';

const spec = (k: number, cin: number, cout: number, padding: 'valid' | 'same', paddingMode: 'zeros' | 'replicate', activation: 'relu' | 'linear'): LayerSpec =>
  ({ kernel: [k, k], in: cin, out: cout, padding, paddingMode, activation });

/** A small mixed network: same/replicate, 1x1, even kernel same/zeros, valid. */
const SMALL: LayerSpec[] = [
  spec(3, 1, 4, 'same', 'replicate', 'relu'),
  spec(1, 4, 3, 'same', 'replicate', 'relu'),
  { kernel: [2, 4], in: 3, out: 2, padding: 'same', paddingMode: 'zeros', activation: 'relu' },
  spec(3, 2, 1, 'valid', 'zeros', 'linear'),
];

function randomLayers(specs: LayerSpec[], seed: number, std = 0.5): LayerWeights[] {
  const layers = initLayers(specs, { seed, std });
  const g = new GaussianStream(seed + 99);
  for (const l of layers) g.fill(l.bias, 0.1);
  return layers;
}

function randomInput(n: number, seed: number): Float32Array {
  return new GaussianStream(seed).fill(new Float32Array(n), 1);
}

/** Wraps a backend and counts alloc calls. */
function counting(b: Backend): Backend & { allocs: number } {
  const c = Object.create(b) as Backend & { allocs: number };
  c.allocs = 0;
  c.alloc = (n: number) => {
    c.allocs++;
    return b.alloc(n);
  };
  return c;
}

for (const [backendName, backend] of [['naive oracle', createNaiveBackend()], ['js', createJsBackend()]] as const) describe(`nn/Sequential (${backendName} backend)`, () => {

  it('forward matches a float64 reference (batch 2, mixed padding, even kernel)', () => {
    const layers = randomLayers(SMALL, 1);
    const net = new Sequential(layers, backend);
    const [h, w] = [7, 9];
    const x = randomInput(2 * h * w, 5);
    const out = net.forward(x, 2, h, w);
    expect([out.channels, out.h, out.w]).to.deep.equal([1, h - 2, w - 2]);
    for (let n = 0; n < 2; n++) {
      const ref = refForward(layers, { c: 1, h, w, data: Float64Array.from(x.subarray(n * h * w, (n + 1) * h * w)) });
      for (let i = 0; i < ref.data.length; i++) {
        expect(Math.abs(out.data[n * ref.data.length + i]! - ref.data[i]!)).to.be.below(1e-5 * (1 + Math.abs(ref.data[i]!)));
      }
    }
  });

  it('backward matches central finite differences of a float64 loss (weights, biases, input)', () => {
    const layers = randomLayers(SMALL, 2);
    const net = new Sequential(layers, backend);
    const [h, w] = [6, 7];
    const x = randomInput(h * w, 6);
    const out = net.forward(x, 1, h, w, { train: true });
    const r = randomInput(out.data.length, 7);
    // L = sum(r * out); dL/dout = r.
    const loss = (ls: LayerWeights[], xin: Float64Array): number => {
      const o = refForward(ls, { c: 1, h, w, data: xin });
      let s = 0;
      for (let i = 0; i < o.data.length; i++) s += r[i]! * o.data[i]!;
      return s;
    };
    const dx = net.backward(r, { inputGrad: true })!;
    const x64 = Float64Array.from(x);
    const eps = 1e-6; // small: a ReLU kink within eps of an activation would spoil the difference quotient
    // Float64 copies of the parameters, perturbed one value at a time.
    const base = layers.map((l) => ({ spec: l.spec, weights: Float64Array.from(l.weights), bias: Float64Array.from(l.bias) }));
    const asLayers = () => base as unknown as LayerWeights[];
    for (const p of net.params()) {
      const [, li, kind] = p.name.split('.');
      const arr = kind === 'weight' ? base[Number(li)]!.weights : base[Number(li)]!.bias;
      for (let i = 0; i < arr.length; i += Math.max(1, Math.floor(arr.length / 7))) {
        const v = arr[i]!;
        arr[i] = v + eps;
        const lp = loss(asLayers(), x64);
        arr[i] = v - eps;
        const lm = loss(asLayers(), x64);
        arr[i] = v;
        const fd = (lp - lm) / (2 * eps);
        expect(Math.abs(p.grad[i]! - fd), `${p.name}[${i}] ${p.grad[i]} vs ${fd}`).to.be.below(1e-5 * (1 + Math.abs(fd)));
      }
    }
    for (let i = 0; i < x64.length; i += 3) {
      const v = x64[i]!;
      x64[i] = v + eps;
      const lp = loss(asLayers(), x64);
      x64[i] = v - eps;
      const lm = loss(asLayers(), x64);
      x64[i] = v;
      const fd = (lp - lm) / (2 * eps);
      expect(Math.abs(dx[i]! - fd), `dx[${i}]`).to.be.below(1e-5 * (1 + Math.abs(fd)));
    }
  });

  it('reuses its workspace: no allocation in steady state, smaller inputs reuse larger buffers', () => {
    const cb = counting(backend);
    const net = new Sequential(randomLayers(SMALL, 3), cb);
    const x = randomInput(2 * 8 * 8, 1);
    net.forward(x, 2, 8, 8, { train: true });
    net.backward(randomInput(2 * 36, 2));
    const after = cb.allocs;
    for (let k = 0; k < 3; k++) {
      net.forward(x, 2, 8, 8, { train: true });
      net.backward(randomInput(2 * 36, 2));
      net.forward(x.subarray(0, 49), 1, 7, 7);
    }
    expect(cb.allocs).to.equal(after);
  });

  it('gives params named as the safetensors tensors, and toWeights round-trips', () => {
    const layers = randomLayers(SMALL, 4);
    const net = new Sequential(layers, backend);
    expect(net.params().map((p) => p.name)).to.deep.equal([
      'layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias',
      'layers.2.weight', 'layers.2.bias', 'layers.3.weight', 'layers.3.bias',
    ]);
    net.params()[1]!.value[0] = 42;
    const w = net.toWeights({ architecture: net.architecture(), scale: 3, colour: 'matlab-y' });
    expect(w.meta.architecture).to.equal('3-1-2x4-3');
    expect(w.layers[0]!.bias[0]).to.equal(42);
    expect(Array.from(w.layers[3]!.weights)).to.deep.equal(Array.from(layers[3]!.weights));
    expect(w.layers[0]!.weights).to.not.equal(net.layers[0]!.weight);
  });

  it('reports margin, halo, output size and receptive radius', () => {
    const keras = [spec(9, 1, 8, 'valid', 'zeros', 'relu'), spec(3, 8, 4, 'same', 'zeros', 'relu'), spec(5, 4, 1, 'valid', 'zeros', 'linear')];
    const net = new Sequential(randomLayers(keras, 5), backend);
    expect(net.margin()).to.deep.equal({ top: 6, left: 6, bottom: 6, right: 6 });
    expect(net.halo()).to.deep.equal({ top: 1, left: 1, bottom: 1, right: 1 });
    expect(net.receptiveRadius()).to.equal(7);
    expect(net.outputSize(32, 20)).to.deep.equal([20, 8]);
    expect(() => net.outputSize(12, 40)).to.throw(ShapeError, /larger than 12x12/);
    const g = netGeometry(SMALL);
    expect(g.halo).to.deep.equal({ top: 1, left: 2, bottom: 2, right: 3 });
    expect(g.margin).to.deep.equal({ top: 1, left: 1, bottom: 1, right: 1 });
  });

  it('rejects bad input with typed errors', () => {
    const net = new Sequential(randomLayers(SMALL, 6), backend);
    expect(() => net.forward(new Float32Array(10), 1, 3, 4)).to.throw(ShapeError, /10 values/);
    expect(() => net.forward(new Float32Array(0), 1, 0, 4)).to.throw(ShapeError, /positive integer/);
    expect(() => net.forward(new Float32Array(4), 1, 2, 2)).to.throw(ShapeError, /larger than/);
    expect(() => net.backward(new Float32Array(1))).to.throw(ValueError, /train: true/);
    net.forward(new Float32Array(25), 1, 5, 5, { train: true });
    expect(() => net.backward(new Float32Array(2))).to.throw(ShapeError, /gradient has 2 values/);
    net.forward(new Float32Array(25), 1, 5, 5);
    expect(() => net.backward(new Float32Array(9))).to.throw(ValueError, /train: true/);
    net.dispose();
    expect(() => net.forward(new Float32Array(25), 1, 5, 5)).to.throw(ValueError, /disposed/);
    const bad = randomLayers(SMALL, 7);
    bad[1]!.weights[2] = NaN;
    expect(() => new Sequential(bad, backend)).to.throw(WeightsError, /NaN/);
    expect(() => new Sequential([randomLayers(SMALL, 8)[0]!, randomLayers(SMALL, 8)[2]!], backend)).to.throw(WeightsError, /outputs 4 channels/);
  });
});

describe('nn/initLayers', () => {
  it('is the paper init: N(0, 0.001^2) weights, zero biases, reproducible from the seed', () => {
    const specs = [spec(9, 1, 64, 'same', 'replicate', 'relu'), spec(5, 64, 32, 'same', 'replicate', 'relu')];
    const a = initLayers(specs, { seed: 11 });
    const b = initLayers(specs, { seed: 11 });
    const c = initLayers(specs, { seed: 12 });
    expect(Array.from(a[1]!.weights)).to.deep.equal(Array.from(b[1]!.weights));
    expect(a[1]!.weights[0]).to.not.equal(c[1]!.weights[0]);
    const w = a[1]!.weights;
    let s = 0, s2 = 0;
    for (const v of w) {
      s += v;
      s2 += v * v;
    }
    const mean = s / w.length, std = Math.sqrt(s2 / w.length - mean * mean);
    expect(Math.abs(mean)).to.be.below(3e-5); // 51200 samples: standard error 4.4e-6
    expect(Math.abs(std - 0.001)).to.be.below(2e-5);
    expect(a[0]!.bias.every((v) => v === 0)).to.equal(true);
    expect(() => initLayers(specs, { std: [0.1] })).to.throw(ValueError, /2 layers but 1/);
    expect(() => initLayers(specs, { std: -1 })).to.throw(ValueError, /std/);
  });
});

describe('nn/Sequential inference on wasm-simd', () => {
  it('runs a layer and the pointwise one after it as one conv2dPair call, with layer-by-layer conv2d bits', () => {
    const be = createWasmBackend();
    try {
      const specs = [spec(9, 1, 64, 'same', 'replicate', 'relu'), spec(1, 64, 32, 'same', 'replicate', 'relu'),
        spec(5, 32, 1, 'same', 'replicate', 'linear')];
      const layers = randomLayers(specs, 7, 0.1);
      const net = new Sequential(layers, be);
      const [h, w] = [40, 72];
      const x = randomInput(2 * h * w, 8);
      let pairs = 0;
      const conv2dPair = be.conv2dPair.bind(be);
      const counted = Object.create(be) as Backend;
      counted.conv2dPair = (...args) => {
        pairs++;
        return conv2dPair(...args);
      };
      const fused = new Sequential(layers, counted).forward(x, 2, h, w).data.slice();
      expect(pairs).to.equal(1);
      let cur = x;
      let [ch, cw] = [h, w];
      for (const l of net.layers) {
        const info = l.info(2, ch, cw);
        const y = new Float32Array(2 * info.outC * info.outH * info.outW);
        l.forward(y, cur, info);
        [cur, ch, cw] = [y, info.outH, info.outW];
      }
      expect(Array.from(fused)).to.deep.equal(Array.from(cur));
      // Training keeps every activation: no fusion.
      new Sequential(layers, counted).forward(x, 2, h, w, { train: true });
      expect(pairs).to.equal(1);
    } finally {
      be.dispose();
    }
  });
});
