import { expect } from 'chai';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { readImageFile } from '../../lib/node/index.js';
import { makeTestcard } from '../../tools/make_testcard.js';
import { repoRoot } from '../helpers/paths.js';

describe('examples/testcard.png', () => {
  const path = resolve(repoRoot, 'examples', 'testcard.png');
  it('is what tools/make_testcard.ts generates (192x144 RGB), and stays under 100 KB', async () => {
    const img = await readImageFile(path);
    const fresh = makeTestcard();
    expect([img.width, img.height, img.channels]).to.deep.equal([192, 144, 3]);
    expect(Buffer.from(img.data).equals(Buffer.from(fresh.data))).to.equal(true, 'regenerate with: node build/tools/make_testcard.js');
    expect(statSync(path).size).to.be.below(100 * 1024);
  });
});
