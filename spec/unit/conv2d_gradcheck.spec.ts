import { expect } from 'chai';
import { convInfo, type ConvInfo, type Padding, type PaddingMode } from '../../lib/kernels/conv_info.js';
import { conv2d } from '../../lib/kernels/conv2d.js';
import { conv2dBackpropInput } from '../../lib/kernels/conv2d_backprop_input.js';
import { conv2dBackpropFilter } from '../../lib/kernels/conv2d_backprop_filter.js';
import { reluBackward } from '../../lib/kernels/relu_backward.js';
import { naiveConv2d } from '../helpers/naive.js';
import { randomFloat32 } from '../helpers/kernel_data.js';

/**
 * Finite-difference gradient check. The loss is L = sum(g * act(conv(x, w) + b)) evaluated in
 * float64 by the naive forward; L is linear in each single parameter away from ReLU kinks, so central
 * differences with step H = 1e-4 have no truncation error and about 1e-12 rounding error.
 * The analytic gradients come from the float32 kernels: dy = reluBackward(g, y), then
 * conv2dBackpropInput and conv2dBackpropFilter. Tolerance: |analytic - fd| <= 1e-4 * (1 + |fd|).
 */
const H = 1e-4;

function loss(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>, g: Float32Array, info: ConvInfo, relu: boolean): number {
  const y = naiveConv2d(x, w, b, info, relu);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += g[i]! * y[i]!;
  return s;
}

function fdGrad(
  param: Float64Array, f: () => number,
): Float64Array {
  const out = new Float64Array(param.length);
  for (let i = 0; i < param.length; i++) {
    const v = param[i]!;
    param[i] = v + H;
    const up = f();
    param[i] = v - H;
    const down = f();
    param[i] = v;
    out[i] = (up - down) / (2 * H);
  }
  return out;
}

function expectGradClose(analytic: Float32Array, fd: Float64Array, what: string): void {
  for (let i = 0; i < fd.length; i++) {
    const tol = 1e-4 * (1 + Math.abs(fd[i]!));
    if (!(Math.abs(analytic[i]! - fd[i]!) <= tol)) {
      expect.fail(`${what}[${i}]: analytic ${analytic[i]} vs finite difference ${fd[i]} (tol ${tol})`);
    }
  }
}

const cases: { name: string; x: number[]; w: number[]; padding: Padding; mode: PaddingMode; relu: boolean }[] = [
  { name: 'valid, linear', x: [2, 2, 6, 7], w: [3, 2, 3, 2], padding: 'valid', mode: 'zeros', relu: false },
  { name: 'same zeros, linear', x: [1, 2, 5, 6], w: [3, 2, 3, 4], padding: 'same', mode: 'zeros', relu: false },
  { name: 'same replicate, linear', x: [2, 2, 5, 6], w: [2, 2, 5, 3], padding: 'same', mode: 'replicate', relu: false },
  { name: 'same replicate, ReLU', x: [1, 3, 6, 5], w: [4, 3, 3, 3], padding: 'same', mode: 'replicate', relu: true },
  { name: 'valid, ReLU', x: [2, 1, 7, 7], w: [3, 1, 4, 4], padding: 'valid', mode: 'zeros', relu: true },
  { name: 'same zeros, ReLU, 1x1', x: [2, 3, 4, 4], w: [2, 3, 1, 1], padding: 'same', mode: 'zeros', relu: true },
];

describe('conv2d backward: finite-difference gradient check (float64 loss sum(g * y))', () => {
  cases.forEach((t, ci) => {
    it(`${t.name}: x ${JSON.stringify(t.x)}, w ${JSON.stringify(t.w)}`, () => {
      const info = convInfo(t.x, t.w, t.padding, t.mode);
      const nx = t.x.reduce((a, b) => a * b), nw = t.w.reduce((a, b) => a * b), outC = t.w[0]!;
      const ny = info.batch * outC * info.outH * info.outW;
      const x32 = randomFloat32(nx, 100 + ci), w32 = randomFloat32(nw, 200 + ci), b32 = randomFloat32(outC, 300 + ci, -0.3, 0.3);
      const g = randomFloat32(ny, 400 + ci);
      const x = Float64Array.from(x32), w = Float64Array.from(w32), b = Float64Array.from(b32);
      // Finite differences across a ReLU kink would be wrong: require every pre-activation to stay
      // away from 0 by more than an H-sized perturbation can move it (H * max|x or w| <= 1e-4).
      const z = naiveConv2d(x, w, b, info, false);
      if (t.relu) expect(Math.min(...Array.from(z, Math.abs))).to.be.above(1e-3, 'pick another seed: a pre-activation is near 0');

      const y = conv2d(new Float32Array(ny), x32, w32, b32, info, t.relu);
      const dy = t.relu ? reluBackward(new Float32Array(ny), g, y) : g;
      const dx = conv2dBackpropInput(new Float32Array(nx), dy, w32, info);
      const db = new Float32Array(outC);
      const dw = conv2dBackpropFilter(new Float32Array(nw), db, x32, dy, info);

      const f = (): number => loss(x, w, b, g, info, t.relu);
      expectGradClose(dx, fdGrad(x, f), 'dL/dx');
      expectGradClose(dw, fdGrad(w, f), 'dL/dw');
      expectGradClose(db, fdGrad(b, f), 'dL/db');
    });
  });
});
