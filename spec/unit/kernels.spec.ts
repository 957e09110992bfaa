import { expect } from 'chai';
import { convInfo } from '../../lib/kernels/conv_info.js';
import { conv2d } from '../../lib/kernels/conv2d.js';
import { conv2dBackpropInput } from '../../lib/kernels/conv2d_backprop_input.js';
import { conv2dBackpropFilter } from '../../lib/kernels/conv2d_backprop_filter.js';
import { im2col } from '../../lib/kernels/im2col.js';
import { col2im } from '../../lib/kernels/col2im.js';
import { reluBackward } from '../../lib/kernels/relu_backward.js';
import { bandRows, COL_TILE_FLOATS } from '../../lib/kernels/col_tiles.js';
import { ShapeError } from '../../lib/errors.js';
import { naiveConv2d, naiveConv2dBackpropFilter, naiveConv2dBackpropInput } from '../helpers/naive.js';
import { abs, expectClose, randomFloat32 } from '../helpers/kernel_data.js';

/** Relative tolerance on the magnitude of each output (float32 storage, see conv2d.ts). */
const rel = (K: number, mag: Float64Array) => (i: number) => 1e-5 * Math.sqrt(K) * mag[i]! + 1e-30;
describe('conv2d kernels: out contracts, banding, 1x1 path, errors', () => {
  const info = convInfo([2, 3, 7, 6], [4, 3, 3, 5], 'same', 'replicate');
  const x = randomFloat32(2 * 3 * 7 * 6, 11);
  const w = randomFloat32(4 * 3 * 3 * 5, 12);
  const b = randomFloat32(4, 13);
  const dy = randomFloat32(2 * 4 * 7 * 6, 14);

  it('conv2d returns y and leaves x, w and bias untouched', () => {
    const [x0, w0, b0] = [x.slice(), w.slice(), b.slice()];
    const y = new Float32Array(2 * 4 * 7 * 6);
    expect(conv2d(y, x, w, b, info, true)).to.equal(y);
    expect(x).to.deep.equal(x0);
    expect(w).to.deep.equal(w0);
    expect(b).to.deep.equal(b0);
  });

  it('backprop kernels return their destination and leave inputs untouched', () => {
    const [x0, w0, dy0] = [x.slice(), w.slice(), dy.slice()];
    const dx = new Float32Array(x.length);
    expect(conv2dBackpropInput(dx, dy, w, info)).to.equal(dx);
    const dw = new Float32Array(w.length);
    const db = new Float32Array(4);
    expect(conv2dBackpropFilter(dw, db, x, dy, info)).to.equal(dw);
    expect(x).to.deep.equal(x0);
    expect(w).to.deep.equal(w0);
    expect(dy).to.deep.equal(dy0);
  });

  it('accepts destination buffers longer than needed and writes only the tensor part', () => {
    const y = new Float32Array(2 * 4 * 7 * 6 + 5).fill(-7);
    conv2d(y, x, w, b, info, false);
    expect(Array.from(y.subarray(2 * 4 * 7 * 6))).to.deep.equal([-7, -7, -7, -7, -7]);
  });

  it('splits large layers into several im2col bands and still matches the reference', () => {
    // K * outW = 4*9*9*100 = 32400 floats per output row: 8 rows per band, 3 bands over 20 rows
    // (outC = 4 so that conv2d takes the im2col path, not the direct one).
    const big = convInfo([1, 4, 20, 100], [4, 4, 9, 9], 'same', 'replicate');
    expect(bandRows(big)).to.equal(Math.floor(COL_TILE_FLOATS / 32400));
    expect(bandRows(big)).to.be.below(big.outH);
    const bx = randomFloat32(4 * 20 * 100, 21), bw = randomFloat32(4 * 4 * 81, 22), bb = randomFloat32(4, 23);
    const y = conv2d(new Float32Array(4 * 20 * 100), bx, bw, bb, big, true);
    expectClose(y, naiveConv2d(bx, bw, bb, big, true), rel(324, naiveConv2d(abs(bx), abs(bw), abs(bb), big, false)), 'banded forward');
    const bdy = randomFloat32(4 * 20 * 100, 24);
    const dx = conv2dBackpropInput(new Float32Array(bx.length), bdy, bw, big);
    expectClose(dx, naiveConv2dBackpropInput(bdy, bw, big), rel(324, naiveConv2dBackpropInput(abs(bdy), abs(bw), big)), 'banded dx');
    const dw = conv2dBackpropFilter(new Float32Array(bw.length), null, bx, bdy, big);
    expectClose(dw, naiveConv2dBackpropFilter(bx, bdy, big).dw, rel(2000, naiveConv2dBackpropFilter(abs(bx), abs(bdy), big).dw), 'banded dw');
  });

  it('takes one output row per band when a row alone exceeds the tile (K = 1600, outW = 200)', () => {
    const wide = convInfo([1, 64, 3, 200], [4, 64, 5, 5], 'same', 'zeros');
    expect(bandRows(wide)).to.equal(1);
    const wx = randomFloat32(64 * 3 * 200, 31), ww = randomFloat32(4 * 64 * 25, 32);
    const y = conv2d(new Float32Array(4 * 3 * 200), wx, ww, null, wide, false);
    expectClose(y, naiveConv2d(wx, ww, null, wide, false), rel(1600, naiveConv2d(abs(wx), abs(ww), null, wide, false)), 'wide forward');
  });

  it('1x1 kernels (no im2col) with batch > 1: forward and both gradients', () => {
    const one = convInfo([3, 5, 4, 6], [7, 5, 1, 1], 'same', 'replicate');
    const ox = randomFloat32(3 * 5 * 24, 41), ow = randomFloat32(35, 42), ob = randomFloat32(7, 43), ody = randomFloat32(3 * 7 * 24, 44);
    const y = conv2d(new Float32Array(3 * 7 * 24), ox, ow, ob, one, true);
    expectClose(y, naiveConv2d(ox, ow, ob, one, true), rel(5, naiveConv2d(abs(ox), abs(ow), abs(ob), one, false)), '1x1 forward');
    const dx = conv2dBackpropInput(new Float32Array(ox.length).fill(NaN), ody, ow, one);
    expectClose(dx, naiveConv2dBackpropInput(ody, ow, one), rel(7, naiveConv2dBackpropInput(abs(ody), abs(ow), one)), '1x1 dx');
    const db = new Float32Array(7);
    const dw = conv2dBackpropFilter(new Float32Array(35).fill(NaN), db, ox, ody, one);
    const ref = naiveConv2dBackpropFilter(ox, ody, one);
    expectClose(dw, ref.dw, rel(72, naiveConv2dBackpropFilter(abs(ox), abs(ody), one).dw), '1x1 dw');
    expectClose(db, ref.db, (i) => 1e-6 * Math.abs(ref.db[i]!) + 1e-6, '1x1 db');
  });

  it('rejects short buffers with ShapeError naming the expected shape', () => {
    expect(() => conv2d(new Float32Array(10), x, w, b, info, false)).to.throw(ShapeError, /conv2d: y \(NCHW\) has 10 elements, needs 336 for shape \[2, 4, 7, 6\]/);
    expect(() => conv2d(new Float32Array(336), x.subarray(1), w, b, info, false)).to.throw(ShapeError, /x \(NCHW\).*\[2, 3, 7, 6\]/);
    expect(() => conv2d(new Float32Array(336), x, w.subarray(3), b, info, false)).to.throw(ShapeError, /w \(OIHW\).*\[4, 3, 3, 5\]/);
    expect(() => conv2d(new Float32Array(336), x, w, b.subarray(1), info, false)).to.throw(ShapeError, /bias.*\[4\]/);
    expect(() => conv2dBackpropInput(new Float32Array(3), dy, w, info)).to.throw(ShapeError, /dx \(NCHW\).*\[2, 3, 7, 6\]/);
    expect(() => conv2dBackpropFilter(new Float32Array(180), new Float32Array(3), x, dy, info)).to.throw(ShapeError, /db.*\[4\]/);
    expect(() => im2col(new Float32Array(10), x, info, 0, 0, 1)).to.throw(ShapeError, /cols has 10 elements, needs 270/);
    expect(() => im2col(new Float32Array(1000), x, info, 2, 0, 1)).to.throw(ShapeError, /image index 2 .* batch 2/);
    expect(() => col2im(new Float32Array(x.length), new Float32Array(1e4), info, 0, 3, 9)).to.throw(ShapeError, /row band 3\.\.9/);
  });
});

describe('reluBackward', () => {
  it('passes dy where y > 0 and zeroes it where y <= 0 (0 included)', () => {
    const y = Float32Array.from([1, 0, -2, 3, 0.5]);
    const dy = Float32Array.from([10, 20, 30, 40, 50]);
    const dx = new Float32Array(5).fill(NaN);
    expect(reluBackward(dx, dy, y)).to.equal(dx);
    expect(Array.from(dx)).to.deep.equal([10, 0, 0, 40, 50]);
    expect(Array.from(dy)).to.deep.equal([10, 20, 30, 40, 50]);
  });

  it('works in place (dx = dy) and honours length', () => {
    const y = Float32Array.from([-1, 2, -3, 4]);
    const g = Float32Array.from([1, 1, 1, 1]);
    reluBackward(g, g, y, 3);
    expect(Array.from(g)).to.deep.equal([0, 1, 0, 1]);
  });

  it("gives dy's exact bits where y > 0 and +0 elsewhere: y = -0, -Infinity and NaN give 0, +Infinity passes", () => {
    const y = Float32Array.from([-0, -Infinity, NaN, Infinity, 1e-45, -1e-45, 2]);
    const dy = Float32Array.from([-1, -2, -3, -4, -5, -6, NaN]);
    const dx = reluBackward(new Float32Array(7).fill(9), dy, y);
    expect(Array.from(dx)).to.deep.equal([0, 0, 0, -4, -5, 0, NaN]);
    for (const i of [0, 1, 2, 5]) expect(Object.is(dx[i], 0), `dx[${i}] is +0`).to.equal(true);
  });

  it('matches the textbook rule on 10001 random values (half of them negative)', () => {
    const y = randomFloat32(10001, 5);
    const dy = randomFloat32(10001, 6);
    const dx = reluBackward(new Float32Array(10001), dy, y);
    for (let i = 0; i < y.length; i++) {
      if (!Object.is(dx[i], y[i]! > 0 ? dy[i] : 0)) expect.fail(`dx[${i}] = ${dx[i]} for y = ${y[i]}, dy = ${dy[i]}`);
    }
  });

  it('rejects a short y with ShapeError', () => {
    expect(() => reluBackward(new Float32Array(4), new Float32Array(4), new Float32Array(3))).to.throw(ShapeError, /y has 3 elements, needs 4/);
  });
});
