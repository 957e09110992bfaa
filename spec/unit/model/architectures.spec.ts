import { expect } from 'chai';
import { OptionError } from '../../../lib/errors.js';
import { architecture } from '../../../lib/model/architectures.js';
import { netGeometry } from '../../../lib/nn/geometry.js';

describe('model/architecture', () => {
  it("'9-5-5' is the paper's network with the authors' test-time padding", () => {
    expect(architecture('9-5-5')).to.deep.equal([
      { kernel: [9, 9], in: 1, out: 64, padding: 'same', paddingMode: 'replicate', activation: 'relu' },
      { kernel: [5, 5], in: 64, out: 32, padding: 'same', paddingMode: 'replicate', activation: 'relu' },
      { kernel: [5, 5], in: 32, out: 1, padding: 'same', paddingMode: 'replicate', activation: 'linear' },
    ]);
    expect(architecture('9-1-5')[1]!.kernel).to.deep.equal([1, 1]);
    expect(netGeometry(architecture('9-5-5')).halo.top).to.equal(8);
    expect(netGeometry(architecture('9-1-5')).receptive.left).to.equal(6);
  });
  it('supports valid training layout, other filter counts and custom kernel sizes', () => {
    const v = architecture('9-1-5', { padding: 'valid', filters: [16, 8] });
    expect(v.map((s) => [s.padding, s.paddingMode, s.out])).to.deep.equal([['valid', 'zeros', 16], ['valid', 'zeros', 8], ['valid', 'zeros', 1]]);
    expect(netGeometry(v).margin).to.deep.equal({ top: 6, left: 6, bottom: 6, right: 6 });
    expect(architecture('11-1-7', { paddingMode: 'zeros' })[2]!.kernel).to.deep.equal([7, 7]);
  });
  it("'keras-9-3-5' is the tutorial model: valid / same-zeros / valid, 128-64", () => {
    const k = architecture('keras-9-3-5');
    expect(k.map((s) => [s.kernel[0], s.out, s.padding, s.paddingMode])).to.deep.equal([[9, 128, 'valid', 'zeros'], [3, 64, 'same', 'zeros'], [5, 1, 'valid', 'zeros']]);
    expect(netGeometry(k).margin.top).to.equal(6);
  });
  it('rejects unknown names and bad options', () => {
    expect(() => architecture('srcnn')).to.throw(OptionError, /unknown architecture 'srcnn'/);
    expect(() => architecture('9-0-5')).to.throw(OptionError, /kernel 2/);
    expect(() => architecture('9-1-5', { filters: [0, 3] })).to.throw(OptionError, /filters\[0\]/);
    expect(() => architecture('9-1-5', { padding: 'full' as 'same' })).to.throw(OptionError, /padding/);
  });
});
