import { expect } from 'chai';
import ndarray from 'ndarray';
import { ShapeError, ValueError } from '../../lib/errors.js';
import type { Image } from '../../lib/image/image.js';
import { imageFromNdarray, imageToNdarray } from '../../lib/image/ndarray.js';

const img: Image = { width: 4, height: 3, channels: 3, data: Uint8Array.from({ length: 36 }, (_, i) => i) };

describe('ndarray interop', () => {
  it('imageToNdarray is a [h, w, c] view sharing the data', () => {
    const a = imageToNdarray(img);
    expect(a.shape).to.deep.equal([3, 4, 3]);
    expect(a.stride).to.deep.equal([12, 3, 1]);
    expect(a.data).to.equal(img.data);
    expect(a.get(2, 1, 2)).to.equal((2 * 4 + 1) * 3 + 2);
    const gray = imageToNdarray({ width: 2, height: 2, channels: 1, data: new Uint8Array(4) });
    expect(gray.shape).to.deep.equal([2, 2, 1]);
  });

  it('imageFromNdarray of a contiguous uint8 array is a view (also with an offset and for Uint8ClampedArray)', () => {
    const back = imageFromNdarray(imageToNdarray(img));
    expect(back.data.buffer).to.equal(img.data.buffer);
    expect([back.width, back.height, back.channels]).to.deep.equal([4, 3, 3]);
    const rows = imageToNdarray(img).hi(3, 4, 3).lo(1, 0, 0); // rows 1..2: still contiguous
    const sub = imageFromNdarray(rows);
    expect(sub.data.buffer).to.equal(img.data.buffer);
    expect(Array.from(sub.data)).to.deep.equal(Array.from(img.data.subarray(12, 36)));
    const clamped = new Uint8ClampedArray([1, 2, 3, 4]);
    const g = imageFromNdarray(ndarray(clamped, [2, 2]));
    expect(g.channels).to.equal(1);
    expect(g.data.buffer).to.equal(clamped.buffer);
  });

  it('copies transposed, stepped or picked views correctly', () => {
    const a = imageToNdarray(img);
    const t = imageFromNdarray(a.transpose(1, 0, 2)); // 3x4 image -> 4x3
    expect([t.width, t.height]).to.deep.equal([3, 4]);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 3; x++) for (let c = 0; c < 3; c++) {
      expect(t.data[(y * 3 + x) * 3 + c]).to.equal(a.get(x, y, c));
    }
    const flipped = imageFromNdarray(a.step(1, -1, 1));
    expect(Array.from(flipped.data.subarray(0, 3))).to.deep.equal([9, 10, 11]);
    const red = imageFromNdarray(a.pick(null, null, 0));
    expect(red.channels).to.equal(1);
    expect(Array.from(red.data.subarray(0, 4))).to.deep.equal([0, 3, 6, 9]);
    expect(red.data.buffer).to.not.equal(img.data.buffer);
  });

  it('accepts other dtypes holding integers 0..255 and rejects anything else', () => {
    const f = imageFromNdarray(ndarray(new Float32Array([0, 128, 255, 7]), [1, 2, 2]));
    expect(Array.from(f.data)).to.deep.equal([0, 128, 255, 7]);
    expect(() => imageFromNdarray(ndarray(new Float32Array([0.5, 1]), [1, 2]))).to.throw(ValueError, /value 0.5 at \[0, 0, 0\]/);
    expect(() => imageFromNdarray(ndarray([0, 256], [1, 2]))).to.throw(ValueError, /256/);
    expect(() => imageFromNdarray(ndarray(new Uint8Array(10), [1, 2, 5]))).to.throw(ShapeError, /channels must be 1\.\.4/);
    expect(() => imageFromNdarray(ndarray(new Uint8Array(8), [2, 2, 2, 1]))).to.throw(ShapeError, /\[h, w\] or \[h, w, c\]/);
    expect(() => imageFromNdarray(ndarray(new Uint8Array(0), [0, 2]))).to.throw(ShapeError, /empty/);
    expect(() => imageFromNdarray(ndarray(new Uint8Array(3), [2, 2]))).to.throw(ShapeError, /overruns/);
  });

  it('imageToNdarray rejects a malformed image', () => {
    expect(() => imageToNdarray({ ...img, data: new Uint8Array(3) })).to.throw(ShapeError, /imageToNdarray/);
  });
});
