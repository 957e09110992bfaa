/**
 * Properties of the PNG/BMP codecs: exact round trips for every channel count and size, and
 * robustness: any truncation or corruption of a valid file gives a DecodeError or a well-formed
 * image, never another exception.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { DecodeError } from '../../lib/errors.js';
import { decodeImage, encodeImage, sniffFormat, type ImageFormat } from '../../lib/image/codec.js';
import type { Channels, Image } from '../../lib/image/image.js';
import { fixturesDir } from '../helpers/paths.js';

/** Random images 1..maxW x 1..maxH, 1-4 channels; half of them with few distinct values so deflate finds matches. */
function arbImage(maxW = 37, maxH = 19): fc.Arbitrary<Image> {
  return fc
    .record({ w: fc.integer({ min: 1, max: maxW }), h: fc.integer({ min: 1, max: maxH }), c: fc.constantFrom<Channels>(1, 2, 3, 4), levels: fc.boolean() })
    .chain(({ w, h, c, levels }) =>
      fc
        .uint8Array({ minLength: w * h * c, maxLength: w * h * c })
        .map((data): Image => ({ width: w, height: h, channels: c, data: levels ? data.map((v) => (v & 3) * 85) : data })),
    );
}

/** What decoding gray+alpha written as BMP gives back: RGBA with R = G = B. */
function expectedBmp(img: Image): Image {
  if (img.channels !== 2) return img;
  const n = img.width * img.height;
  const data = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = img.data[2 * i]!;
    data[4 * i + 3] = img.data[2 * i + 1]!;
  }
  return { width: img.width, height: img.height, channels: 4, data };
}

function sameImage(a: Image, b: Image): boolean {
  return a.width === b.width && a.height === b.height && a.channels === b.channels && Buffer.from(a.data).equals(Buffer.from(b.data));
}

/** Decodes; returns 'error' for a DecodeError, 'image' for a well-formed image, rethrows anything else. */
function outcome(bytes: Uint8Array): 'error' | 'image' {
  let img: Image;
  try {
    img = decodeImage(bytes, 'fuzz');
  } catch (e) {
    if (e instanceof DecodeError && e.source === 'fuzz' && e.message.startsWith('fuzz: ')) return 'error';
    throw e;
  }
  expect(img.data).to.be.instanceOf(Uint8Array);
  expect(img.data.length).to.equal(img.width * img.height * img.channels);
  expect([1, 2, 3, 4]).to.include(img.channels);
  return 'image';
}

/** Rewrites every PNG chunk CRC so corruption inside chunk data reaches the decoder's deeper stages. */
function fixPngCrcs(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  for (let pos = 8; pos + 12 <= out.length; ) {
    const len = view.getUint32(pos);
    const end = pos + 8 + len;
    if (end + 4 > out.length) break;
    view.setUint32(end, crc32(out.subarray(pos + 4, end)));
    pos = end + 4;
  }
  return out;
}

const FORMATS: ImageFormat[] = ['png', 'bmp'];

/** Every generated fixture file: palettes, Adam7, 16-bit, tRNS, bit fields, header versions... */
const FIXTURE_FILES: Uint8Array[] = (
  JSON.parse(readFileSync(resolve(fixturesDir, 'io', 'generated.json'), 'utf8')) as { cases: Array<{ file: string }> }
).cases.map((c) => new Uint8Array(Buffer.from(c.file, 'base64')));

describe('codec properties', () => {
  it('PNG: decode(encode(x)) == x for 1-4 channels and sizes from 1x1', () => {
    fc.assert(
      fc.property(arbImage(), (img) => {
        const bytes = encodeImage(img, 'png');
        expect(sniffFormat(bytes)).to.equal('png');
        expect(sameImage(decodeImage(bytes), img)).to.equal(true);
      }),
      { numRuns: 300 },
    );
  });

  it('BMP: decode(encode(x)) == x (gray+alpha comes back as RGBA), odd widths exercise row padding', () => {
    fc.assert(
      fc.property(arbImage(), (img) => {
        const bytes = encodeImage(img, 'bmp');
        expect(sniffFormat(bytes)).to.equal('bmp');
        expect(sameImage(decodeImage(bytes), expectedBmp(img))).to.equal(true);
      }),
      { numRuns: 300 },
    );
  });

  it('1x1 and 1-pixel-wide/high images round-trip in both formats', () => {
    for (const format of FORMATS) {
      for (const [w, h] of [[1, 1], [1, 7], [7, 1], [3, 1], [1, 3]] as const) {
        for (const c of [1, 2, 3, 4] as const) {
          const img: Image = { width: w, height: h, channels: c, data: Uint8Array.from({ length: w * h * c }, (_, i) => (i * 37 + 11) & 255) };
          const back = decodeImage(encodeImage(img, format));
          expect(sameImage(back, format === 'bmp' ? expectedBmp(img) : img), `${format} ${w}x${h}x${c}`).to.equal(true);
        }
      }
    }
  });

  it('every truncation of a valid file is a DecodeError or a well-formed image', () => {
    fc.assert(
      fc.property(arbImage(13, 9), fc.constantFrom(...FORMATS), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (img, format, frac) => {
        const bytes = encodeImage(img, format);
        const cut = Math.floor(frac * bytes.length);
        const result = outcome(bytes.subarray(0, cut));
        if (format === 'png') expect(result).to.equal('error'); // a PNG without its IEND is always rejected
      }),
      { numRuns: 400 },
    );
  });

  it('exhaustive truncation of one PNG and one BMP of each channel count', () => {
    for (const format of FORMATS) {
      for (const c of [1, 2, 3, 4] as const) {
        const img: Image = { width: 5, height: 3, channels: c, data: Uint8Array.from({ length: 15 * c }, (_, i) => (i * 53) & 255) };
        const bytes = encodeImage(img, format);
        for (let cut = 0; cut < bytes.length; cut++) outcome(bytes.subarray(0, cut));
      }
    }
  });

  it('random byte corruption is a DecodeError or a well-formed image (PNG also with CRCs recomputed)', () => {
    fc.assert(
      fc.property(
        arbImage(13, 9),
        fc.constantFrom(...FORMATS),
        fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (img, format, edits, fixCrc) => {
          let bytes: Uint8Array = encodeImage(img, format).slice();
          for (const { at, value } of edits) bytes[Math.floor(at * bytes.length)] = value;
          if (format === 'png' && fixCrc) bytes = fixPngCrcs(bytes);
          outcome(bytes);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('truncating or corrupting any fixture file (every PNG/BMP variant) is a DecodeError or a well-formed image', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXTURE_FILES),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 4 }),
        (file, cutFrac, edits) => {
          outcome(file.subarray(0, Math.floor(cutFrac * file.length)));
          const bad = file.slice();
          for (const { at, value } of edits) bad[Math.floor(at * bad.length)] = value;
          outcome(bad[0] === 0x89 ? fixPngCrcs(bad) : bad);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('random 32-bit values written into BMP header fields are a DecodeError or a well-formed image', () => {
    fc.assert(
      fc.property(
        arbImage(9, 7),
        fc.integer({ min: 2, max: 120 }),
        fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -2, max: 300 })),
        (img, at, value) => {
          const bytes = encodeImage(img, 'bmp').slice();
          if (at + 4 > bytes.length) return;
          new DataView(bytes.buffer).setInt32(at, value, true);
          outcome(bytes);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('random bytes after a valid signature are a DecodeError or a well-formed image', () => {
    const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    fc.assert(
      fc.property(fc.constantFrom([0x42, 0x4d], png), fc.uint8Array({ maxLength: 200 }), (magic, rest) => {
        outcome(Uint8Array.from([...magic, ...rest]));
      }),
      { numRuns: 500 },
    );
  });
});
