import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createJsBackend } from '../../lib/backend/js.js';
import { matlabYU8 } from '../../lib/image/color.js';
import { createPlane } from '../../lib/image/image.js';
import { Sequential } from '../../lib/nn/sequential.js';
import { evaluateNet, prepareEvalSet } from '../../lib/train/validate.js';
import { hasShared, sharedDir } from '../helpers/paths.js';
import { readSharedImage } from '../helpers/shared_data.js';

(hasShared ? describe : describe.skip)('train: validation follows the paper protocol (Set5)', () => {
  it('an identity network scores the bicubic baseline of anchors/quality.md (33.6614 dB / 0.92988 at x2)', () => {
    const dir = join(sharedDir, 'data', 'Set5');
    const images = readdirSync(dir).filter((n) => n.endsWith('.bmp')).sort()
      .map((name) => {
        const img = readSharedImage(`Set5/${name}`);
        // demo_SR.m: rgb2ycbcr on uint8 returns a rounded uint8 Y
        return { name, y: createPlane(img.width, img.height, 1, Float64Array.from(matlabYU8(img))) };
      });
    const set = prepareEvalSet(images, 2);
    expect(set.map((s) => [s.gt.width % 2, s.gt.height % 2])).to.deep.equal(images.map(() => [0, 0]));
    const backend = createJsBackend();
    const identity = new Sequential([{
      spec: { kernel: [1, 1], in: 1, out: 1, padding: 'same', paddingMode: 'replicate', activation: 'linear' },
      weights: Float32Array.of(1), bias: Float32Array.of(0),
    }], backend);
    const r = evaluateNet(identity, set, 2);
    expect(r.perImage).to.have.length(5);
    expect(r.psnr).to.be.closeTo(33.6614, 0.001);
    expect(r.ssim).to.be.closeTo(0.92988, 0.00005);
  });
});
