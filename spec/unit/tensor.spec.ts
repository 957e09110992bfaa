import { expect } from 'chai';
import ndarray from 'ndarray';
import {
  contiguous, denseData, fromArray, fromNdarray, get, hi, isContiguous, lo, pick, reshape, rowMajorStrides, set,
  size, slice, toNdarray, transpose, zeros,
} from '../../lib/tensor/index.js';
import { ShapeError } from '../../lib/errors.js';

/** A [2, 3, 4, 5] NCHW tensor whose element (n, c, h, w) is n*1000 + c*100 + h*10 + w. */
function coded(): ReturnType<typeof fromArray> {
  const data = new Float32Array(120);
  let p = 0;
  for (let n = 0; n < 2; n++) for (let c = 0; c < 3; c++) for (let h = 0; h < 4; h++) for (let w = 0; w < 5; w++) data[p++] = n * 1000 + c * 100 + h * 10 + w;
  return fromArray(data, [2, 3, 4, 5]);
}

describe('Tensor', () => {
  it('zeros and fromArray build dense row-major tensors', () => {
    const z = zeros([2, 3]);
    expect(z.strides).to.deep.equal([3, 1]);
    expect(z.data.length).to.equal(6);
    expect(rowMajorStrides([2, 3, 4])).to.deep.equal([12, 4, 1]);
    const f = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(fromArray(f, [3, 2]).data).to.equal(f, 'a Float32Array is wrapped, not copied');
    const t = fromArray([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(t.data).to.be.instanceOf(Float32Array);
    expect(get(t, 1, 2)).to.equal(6);
  });

  it('fromArray rejects a length that does not match the shape, naming the shape', () => {
    expect(() => fromArray([1, 2, 3], [2, 2])).to.throw(ShapeError, /shape \[2, 2\] needs 4 values, got 3/);
    expect(() => zeros([2, -1])).to.throw(ShapeError, /\[2, -1\]/);
  });

  it('slice/lo/hi are O(1) views that share data (an image crop)', () => {
    const t = coded();
    const v = slice(t, [null, 1, 1, 2], [null, 3, 3, 5]);
    expect(v.shape).to.deep.equal([2, 2, 2, 3]);
    expect(v.data).to.equal(t.data);
    expect(get(v, 1, 0, 1, 2)).to.equal(1000 + 100 + 20 + 4);
    set(v, -1, 0, 0, 0, 0);
    expect(get(t, 0, 1, 1, 2)).to.equal(-1, 'writes go through the view');
    const l = lo(t, null, null, 2, 3);
    expect(l.shape).to.deep.equal([2, 3, 2, 2]);
    expect(get(l, 0, 2, 0, 0)).to.equal(200 + 20 + 3);
    expect(hi(l, 1, 1).shape).to.deep.equal([1, 1, 2, 2]);
    expect(() => slice(t, [0, 0, 3], [2, 3, 2])).to.throw(ShapeError, /do not fit shape \[2, 3, 4, 5\]/);
  });

  it('pick fixes a batch/channel index and drops the axis', () => {
    const t = coded();
    const plane = pick(t, 1, 2);
    expect(plane.shape).to.deep.equal([4, 5]);
    expect(get(plane, 3, 4)).to.equal(1234);
    expect(isContiguous(plane)).to.equal(true);
    const col = pick(t, null, null, null, 4);
    expect(col.shape).to.deep.equal([2, 3, 4]);
    expect(get(col, 1, 1, 1)).to.equal(1114);
    expect(() => pick(t, 2)).to.throw(ShapeError, /index 2 out of range for axis 0 of shape \[2, 3, 4, 5\]/);
  });

  it('transpose permutes axes without copying; contiguous copies into row-major order', () => {
    const t = coded();
    const nhwc = transpose(t, 0, 2, 3, 1);
    expect(nhwc.shape).to.deep.equal([2, 4, 5, 3]);
    expect(nhwc.data).to.equal(t.data);
    expect(isContiguous(nhwc)).to.equal(false);
    expect(get(nhwc, 1, 2, 3, 1)).to.equal(1123);
    const c = contiguous(nhwc);
    expect(c.data).to.not.equal(t.data);
    expect(isContiguous(c)).to.equal(true);
    expect(c.data[((1 * 4 + 2) * 5 + 3) * 3 + 1]).to.equal(1123);
    expect(transpose(fromArray([1, 2, 3, 4, 5, 6], [2, 3])).shape).to.deep.equal([3, 2]);
    expect(() => transpose(t, 0, 1, 1, 2)).to.throw(ShapeError, /not a permutation/);
  });

  it('contiguous copies a sliced, transposed view element for element', () => {
    const t = coded();
    const v = transpose(slice(t, [1, 0, 1, 1], [2, 3, 4, 4]), 3, 2, 1, 0);
    const c = contiguous(v);
    expect(c.shape).to.deep.equal([3, 3, 3, 1]);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) for (let d = 0; d < 3; d++) {
      expect(get(c, a, b, d, 0)).to.equal(get(v, a, b, d, 0));
    }
  });

  it('denseData returns a no-copy subarray of contiguous views and refuses strided ones', () => {
    const t = coded();
    const img1 = pick(t, 1);
    const d = denseData(img1);
    expect(d.buffer).to.equal(t.data.buffer);
    expect(d.length).to.equal(60);
    expect(d[0]).to.equal(1000);
    expect(() => denseData(transpose(t))).to.throw(ShapeError, /not contiguous/);
  });

  it('reshape views a contiguous tensor with a new shape of the same size', () => {
    const plane = pick(coded(), 0, 1);
    const r = reshape(plane, [1, 1, 4, 5]);
    expect(get(r, 0, 0, 2, 3)).to.equal(123);
    expect(size(r)).to.equal(20);
    expect(() => reshape(plane, [3, 7])).to.throw(ShapeError, /\[4, 5\] as \[3, 7\]/);
  });

  it('round-trips through ndarray without copying a float32 layout', () => {
    const t = coded();
    const view = slice(transpose(t, 1, 0, 2, 3), [1], [3]);
    const nd = toNdarray(view);
    expect(nd.data).to.equal(t.data);
    expect(nd.get(1, 1, 2, 3)).to.equal(get(view, 1, 1, 2, 3));
    const back = fromNdarray(nd);
    expect(back.data).to.equal(t.data);
    expect(back.shape).to.deep.equal(view.shape);
    expect(back.strides).to.deep.equal(view.strides);
    expect(back.offset).to.equal(view.offset);
  });

  it('fromNdarray follows negative strides (step(-1)) and copies non-float32 data', () => {
    const nd = ndarray(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]).step(1, -1);
    const t = fromNdarray(nd);
    expect(t.data).to.equal(nd.data);
    expect(get(t, 0, 0)).to.equal(3);
    expect(Array.from(contiguous(t).data)).to.deep.equal([3, 2, 1, 6, 5, 4]);
    const f64 = ndarray(new Float64Array([1.5, 2.5, 3.5, 4.5]), [2, 2]).transpose(1, 0);
    const c = fromNdarray(f64);
    expect(c.data).to.be.instanceOf(Float32Array);
    expect(Array.from(c.data)).to.deep.equal([1.5, 3.5, 2.5, 4.5]);
  });

  it('get/set check bounds and rank', () => {
    const t = zeros([2, 2]);
    expect(() => get(t, 2, 0)).to.throw(ShapeError, /out of bounds for shape \[2, 2\]/);
    expect(() => get(t, 0)).to.throw(ShapeError, /1 indices/);
  });
});
