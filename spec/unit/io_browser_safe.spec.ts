/**
 * The decoding side of the image I/O must stay importable in a browser bundle: no `node:*`
 * built-ins and no pngjs (whose Node build requires zlib/stream at import time) anywhere in its
 * static import graph. Only png_encode.ts may import pngjs.
 */
import { expect } from 'chai';
import { externalImports } from '../helpers/imports.js';

describe('image I/O: browser-safe import graph', () => {
  for (const entry of ['lib/image/decode.ts', 'lib/image/png.ts', 'lib/image/bmp.ts', 'lib/image/inflate.ts']) {
    it(`${entry} imports no Node built-in and no package`, () => {
      expect(Object.fromEntries(externalImports(entry))).to.deep.equal({});
    });
  }
  it('lib/image/ndarray.ts imports only the ndarray package', () => {
    expect([...externalImports('lib/image/ndarray.ts').keys()]).to.deep.equal(['ndarray']);
  });
  it('codec.ts reaches pngjs only through png_encode.ts', () => {
    expect(Object.fromEntries(externalImports('lib/image/codec.ts'))).to.deep.equal({ pngjs: 'lib/image/png_encode.ts' });
  });
});

describe('the main entry (srcnn-ts): browser-safe import graph', () => {
  it('lib/index.ts reaches no Node built-in and only browser-safe packages (ndarray, jsfive)', () => {
    const ext = externalImports('lib/index.ts');
    const offenders = [...ext].filter(([spec]) => spec !== 'ndarray' && spec !== 'jsfive');
    expect(Object.fromEntries(offenders)).to.deep.equal({});
  });
});
