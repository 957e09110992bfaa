import { expect } from 'chai';
import { createJsBackend } from '../../lib/backend/js.js';
import { convInfo } from '../../lib/kernels/conv_info.js';
import { BackendError } from '../../lib/errors.js';
import { naiveConv2d, naiveConv2dBackpropFilter, naiveConv2dBackpropInput, naiveGemm } from '../helpers/naive.js';
import { expectClose, randomFloat32 } from '../helpers/kernel_data.js';

describe("createJsBackend ('js')", () => {
  it('is a single-threaded backend whose alloc returns zero-filled Float32Arrays', () => {
    const be = createJsBackend();
    expect(be.name).to.equal('js');
    expect(be.threads).to.equal(1);
    const buf = be.alloc(7);
    expect(buf).to.be.instanceOf(Float32Array);
    expect(Array.from(buf)).to.deep.equal([0, 0, 0, 0, 0, 0, 0]);
    be.free(buf);
  });

  it('runs gemm (BLAS argument order) and the conv kernels, returning the destination', () => {
    const be = createJsBackend();
    const a = randomFloat32(15, 1), b = randomFloat32(20, 2), c = randomFloat32(12, 3);
    const ref = naiveGemm(true, false, 3, 4, 5, 0.5, a, 3, b, 4, -1, c, 4);
    expect(be.gemm(true, false, 3, 4, 5, 0.5, a, 3, b, 4, -1, c, 4)).to.equal(c);
    expectClose(c, ref, () => 1e-5, 'gemm');

    const info = convInfo([2, 2, 6, 5], [3, 2, 3, 3], 'same', 'replicate');
    const x = randomFloat32(120, 4), w = randomFloat32(54, 5), bias = randomFloat32(3, 6), dy = randomFloat32(180, 7);
    const y = be.alloc(180);
    expect(be.conv2d(y, x, w, bias, info, true)).to.equal(y);
    expectClose(y, naiveConv2d(x, w, bias, info, true), () => 1e-5, 'conv2d');
    const dx = be.alloc(120);
    expect(be.conv2dBackpropInput(dx, dy, w, info)).to.equal(dx);
    expectClose(dx, naiveConv2dBackpropInput(dy, w, info), () => 1e-5, 'dx');
    const dw = be.alloc(54), db = be.alloc(3);
    expect(be.conv2dBackpropFilter(dw, db, x, dy, info)).to.equal(dw);
    const ref2 = naiveConv2dBackpropFilter(x, dy, info);
    expectClose(dw, ref2.dw, () => 1e-4, 'dw');
    expectClose(db, ref2.db, () => 1e-5, 'db');
  });

  it('throws BackendError once disposed', () => {
    const be = createJsBackend();
    be.dispose();
    expect(() => be.alloc(1)).to.throw(BackendError, /disposed/);
    expect(() => be.gemm(false, false, 1, 1, 1, 1, new Float32Array(1), 1, new Float32Array(1), 1, 0, new Float32Array(1), 1)).to.throw(BackendError);
  });
});
