import { expect } from 'chai';
import fc from 'fast-check';
import { base64ToBytes, bytesToBase64 } from '../../lib/util/base64.js';
import { ValueError } from '../../lib/errors.js';

describe('base64', () => {
  it('matches Node Buffer and round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = bytesToBase64(bytes);
        expect(text).to.equal(Buffer.from(bytes).toString('base64'));
        expect(Array.from(base64ToBytes(text))).to.deep.equal(Array.from(bytes));
      }),
    );
  });
  it('rejects malformed text', () => {
    expect(() => base64ToBytes('abc')).to.throw(ValueError, /multiple of 4/);
    expect(() => base64ToBytes('ab$=')).to.throw(ValueError, /invalid character/);
    expect(() => base64ToBytes('a=bc')).to.throw(ValueError, /invalid character/);
  });
});
