import { expect } from 'chai';
import { convInfo } from '../../lib/kernels/conv_info.js';
import { ShapeError } from '../../lib/errors.js';

describe('convInfo', () => {
  it('same padding puts the extra pad of an even kernel bottom/right', () => {
    const i = convInfo([1, 2, 10, 11], [4, 2, 4, 5], 'same');
    expect([i.padT, i.padB, i.padL, i.padR]).to.deep.equal([1, 2, 2, 2]);
    expect([i.outH, i.outW]).to.deep.equal([10, 11]);
  });
  it('valid shrinks by k-1', () => {
    const i = convInfo([2, 1, 33, 33], [64, 1, 9, 9], 'valid');
    expect([i.outH, i.outW, i.outC, i.batch]).to.deep.equal([25, 25, 64, 2]);
  });
  it('names both shapes on channel mismatch', () => {
    expect(() => convInfo([1, 3, 8, 8], [4, 2, 3, 3], 'same')).to.throw(ShapeError, /\[1, 3, 8, 8\].*\[4, 2, 3, 3\]/);
  });
  it('rejects a valid window larger than the input', () => {
    expect(() => convInfo([1, 1, 4, 4], [1, 1, 5, 5], 'valid')).to.throw(ShapeError, /does not fit/);
  });
  it('rejects zero-size shapes', () => {
    expect(() => convInfo([1, 1, 0, 4], [1, 1, 1, 1], 'valid')).to.throw(ShapeError);
  });
});
