/**
 * Decoders vs spec/fixtures/io (tools/fixtures/gen_io_fixtures.py, OpenCV 4.6): every generated
 * PNG/BMP decodes to the expected pixels exactly, every broken file raises a DecodeError with the
 * expected message, and every Set5/Set14/T91 BMP decodes to the same pixels as cv2.imread.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DecodeError } from '../../lib/errors.js';
import { decodeImage, sniffFormat } from '../../lib/image/codec.js';
import { readImageFile } from '../../lib/node/io.js';
import { fixturesDir, hasShared, sharedDir } from '../helpers/paths.js';

interface GeneratedCase {
  name: string;
  format: 'png' | 'bmp';
  file: string;
  width: number;
  height: number;
  channels: number;
  pixels: string;
  cv2: string;
}
interface ErrorCase {
  name: string;
  file: string;
  error: string;
}
interface RealImage {
  set: string;
  name: string;
  width: number;
  height: number;
  channels: number;
  sha256: string;
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(resolve(fixturesDir, 'io', name), 'utf8')) as T;
}
const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

describe('io fixtures: generated PNG/BMP files', () => {
  const { cases } = load<{ cases: GeneratedCase[] }>('generated.json');
  it('cover every kind the decoders claim to support', () => {
    const names = cases.map((c) => c.name);
    for (const needle of ['gray1', 'gray16', 'gray_alpha8', 'rgb16', 'rgba8', 'palette1', 'palette4_trns', 'adam7', 'gray8_trns', 'rgb8_trns',
      'bmp1_palette', 'bmp4_palette', 'bmp8_palette_gray', 'top_down', 'v4_header', 'v5_header', 'core_header', 'bmp16_555', 'bmp16_565',
      'bmp32_bi_rgb', 'bmp32_v4_bitfields_alpha', 'bmp24_cv2_odd_width']) {
      expect(names.some((n) => n.includes(needle)), needle).to.equal(true);
    }
  });
  for (const c of cases) {
    it(`${c.name} (${c.width}x${c.height}x${c.channels})`, () => {
      const bytes = b64(c.file);
      expect(sniffFormat(bytes)).to.equal(c.format);
      const img = decodeImage(bytes, c.name);
      expect([img.width, img.height, img.channels]).to.deep.equal([c.width, c.height, c.channels]);
      expect(Buffer.from(img.data).equals(Buffer.from(b64(c.pixels)))).to.equal(true, 'pixels differ from the fixture');
    });
  }
});

describe('io fixtures: broken and unsupported files', () => {
  const { cases } = load<{ cases: ErrorCase[] }>('errors.json');
  for (const c of cases) {
    it(`${c.name} -> DecodeError "${c.error}"`, () => {
      let caught: unknown = null;
      try {
        decodeImage(b64(c.file), `fixture:${c.name}`);
      } catch (e) {
        caught = e;
      }
      expect(caught).to.be.instanceOf(DecodeError);
      const err = caught as DecodeError;
      expect(err.source).to.equal(`fixture:${c.name}`);
      expect(err.message).to.contain(`fixture:${c.name}: `);
      expect(err.message).to.contain(c.error);
      expect(err.code).to.equal('E_DECODE');
    });
  }
});

(hasShared ? describe : describe.skip)('io fixtures: Set5 / Set14 / T91 match cv2.imread(IMREAD_UNCHANGED) in RGB order', () => {
  const { images } = load<{ images: RealImage[] }>('real_images.json');
  it('lists all 110 images (5 + 14 + 91)', () => {
    expect(images.length).to.equal(110);
  });
  it('bridge.bmp is 1 channel, butterfly_GT.bmp (V4 header) and man.bmp are 3', () => {
    const ch = (n: string): number => images.find((i) => i.name === n)!.channels;
    expect([ch('bridge.bmp'), ch('butterfly_GT.bmp'), ch('man.bmp')]).to.deep.equal([1, 3, 3]);
  });
  for (const set of ['Set5', 'Set14', 'T91']) {
    it(`${set}: every image has the fixture's size, channels and pixel SHA-256`, async () => {
      for (const ref of images.filter((i) => i.set === set)) {
        const img = await readImageFile(resolve(sharedDir, 'data', set, ref.name));
        expect([img.width, img.height, img.channels], ref.name).to.deep.equal([ref.width, ref.height, ref.channels]);
        expect(createHash('sha256').update(img.data).digest('hex'), ref.name).to.equal(ref.sha256);
      }
    });
  }
});
