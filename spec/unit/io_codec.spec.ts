import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { DecodeError, OptionError, ShapeError, ValueError } from '../../lib/errors.js';
import { decodeImage, encodeImage, sniffFormat } from '../../lib/image/codec.js';
import type { Image } from '../../lib/image/image.js';
import { MAX_DECODE_PIXELS } from '../../lib/image/limits.js';
import { fixturesDir } from '../helpers/paths.js';

const rgb: Image = { width: 3, height: 2, channels: 3, data: Uint8Array.from({ length: 18 }, (_, i) => i * 13) };

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

const SIG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** IHDR for an 8-bit image of the given colour type. */
function ihdr(w: number, h: number, colorType: number, depth = 8): Uint8Array {
  const d = new Uint8Array(13);
  const v = new DataView(d.buffer);
  v.setUint32(0, w);
  v.setUint32(4, h);
  d[8] = depth;
  d[9] = colorType;
  return chunk('IHDR', d);
}

describe('codec: sniffFormat', () => {
  it('recognises PNG and BMP by magic bytes only', () => {
    expect(sniffFormat(encodeImage(rgb, 'png'))).to.equal('png');
    expect(sniffFormat(encodeImage(rgb, 'bmp'))).to.equal('bmp');
    expect(sniffFormat(Uint8Array.of(0x42, 0x4d))).to.equal('bmp');
    expect(sniffFormat(SIG.subarray(0, 7))).to.equal(null);
    expect(sniffFormat(new Uint8Array(0))).to.equal(null);
    expect(sniffFormat(Uint8Array.of(0xff, 0xd8, 0xff))).to.equal(null);
  });
});

describe('codec: decodeImage errors', () => {
  it('names the source and the problem', () => {
    expect(() => decodeImage(new Uint8Array(0), 'in/a.png')).to.throw(DecodeError, 'in/a.png: empty file (0 bytes)');
    expect(() => decodeImage(new TextEncoder().encode('P6 3 2 255'), 'x.ppm')).to.throw(DecodeError, /^x\.ppm: unrecognised image format \(first bytes: 50 36/);
    expect(() => decodeImage(Uint8Array.of(0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50))).to.throw(DecodeError, '<buffer>: WebP images are not supported');
  });
  it('rejects a non-Uint8Array with a ValueError', () => {
    expect(() => decodeImage([1, 2, 3] as unknown as Uint8Array, 'list')).to.throw(ValueError, /Uint8Array/);
  });
  it('a header claiming more than 2^28 pixels fails before allocating (BMP and PNG)', () => {
    const bmp = encodeImage(rgb, 'bmp');
    new DataView(bmp.buffer).setInt32(18, 20000, true);
    new DataView(bmp.buffer).setInt32(22, -20000, true);
    expect(() => decodeImage(bmp)).to.throw(DecodeError, /20000x20000 = 400000000 pixels/);
    const png = concat(SIG, ihdr(16385, 16384, 2), chunk('IDAT', deflateSync(new Uint8Array(10))), chunk('IEND', new Uint8Array(0)));
    expect(() => decodeImage(png)).to.throw(DecodeError, /2\^28/);
    expect(MAX_DECODE_PIXELS).to.equal(2 ** 28);
  });
  it('a plausible header with tiny image data is rejected before inflating (allocation bomb guard)', () => {
    const png = concat(SIG, ihdr(16000, 16000, 6), chunk('IDAT', deflateSync(new Uint8Array(10))), chunk('IEND', new Uint8Array(0)));
    expect(() => decodeImage(png, 'bomb.png')).to.throw(DecodeError, /bomb\.png: truncated or corrupt PNG: \d+ bytes of IDAT cannot inflate/);
  });
});

describe('codec: PNG decoding details', () => {
  const raw = Uint8Array.of(0, 10, 20, 30, 40, 50, 60); // one row, filter 0, two RGB pixels
  const idat = chunk('IDAT', deflateSync(raw));
  const iend = chunk('IEND', new Uint8Array(0));
  it('joins the data of several IDAT chunks', () => {
    const z = deflateSync(raw);
    const png = concat(SIG, ihdr(2, 1, 2), chunk('IDAT', z.subarray(0, 3)), chunk('IDAT', z.subarray(3)), iend);
    expect(Array.from(decodeImage(png).data)).to.deep.equal([10, 20, 30, 40, 50, 60]);
  });
  it('skips an ancillary chunk with a bad CRC but rejects a critical one', () => {
    const text = chunk('tEXt', new TextEncoder().encode('k\0v'));
    text[text.length - 1]! ^= 1;
    expect(decodeImage(concat(SIG, ihdr(2, 1, 2), text, idat, iend)).width).to.equal(2);
    const badIdat = idat.slice();
    badIdat[badIdat.length - 1]! ^= 1;
    expect(() => decodeImage(concat(SIG, ihdr(2, 1, 2), badIdat, iend))).to.throw(DecodeError, /CRC mismatch in chunk "IDAT"/);
  });
  it('rejects an unknown critical chunk, ignores an unknown ancillary one and bytes after IEND', () => {
    expect(() => decodeImage(concat(SIG, ihdr(2, 1, 2), chunk('ABCD', Uint8Array.of(1)), idat, iend))).to.throw(DecodeError, /unknown critical chunk "ABCD"/);
    expect(decodeImage(concat(SIG, ihdr(2, 1, 2), chunk('abCD', Uint8Array.of(1)), idat, iend, Uint8Array.of(1, 2, 3))).channels).to.equal(3);
  });
  it('rejects an invalid filter type', () => {
    const bad = chunk('IDAT', deflateSync(Uint8Array.of(5, 10, 20, 30, 40, 50, 60)));
    expect(() => decodeImage(concat(SIG, ihdr(2, 1, 2), bad, iend))).to.throw(DecodeError, /invalid filter type 5/);
  });
  it('ignores a tRNS chunk of the wrong size (as libpng) and stays 3 channels', () => {
    expect(decodeImage(concat(SIG, ihdr(2, 1, 2), chunk('tRNS', Uint8Array.of(0, 10)), idat, iend)).channels).to.equal(3);
  });
  it('palette indices beyond PLTE read as black', () => {
    const plte = chunk('PLTE', Uint8Array.of(200, 100, 50));
    const img = decodeImage(concat(SIG, ihdr(2, 1, 3), plte, chunk('IDAT', deflateSync(Uint8Array.of(0, 0, 7))), iend));
    expect(Array.from(img.data)).to.deep.equal([200, 100, 50, 0, 0, 0]);
  });
});

describe('codec: encodeImage', () => {
  it('writes the PNG colour type of the channel count', () => {
    for (const [channels, colorType] of [[1, 0], [2, 4], [3, 2], [4, 6]] as const) {
      const img: Image = { width: 2, height: 2, channels, data: new Uint8Array(4 * channels).fill(9) };
      const png = encodeImage(img, 'png');
      expect(png[25], `channels ${channels}`).to.equal(colorType);
      expect(png[24]).to.equal(8);
      expect(Object.getPrototypeOf(png)).to.equal(Uint8Array.prototype);
    }
  });
  it('writes BMP like cv2.imwrite for gray (8-bit palette) and RGB (24-bit), byte for byte', () => {
    const { cases } = JSON.parse(readFileSync(resolve(fixturesDir, 'io', 'generated.json'), 'utf8')) as { cases: Array<{ name: string; file: string }> };
    for (const name of ['bmp24_cv2_odd_width', 'bmp8_gray_cv2']) {
      const file = new Uint8Array(Buffer.from(cases.find((c) => c.name === name)!.file, 'base64'));
      expect(Buffer.from(encodeImage(decodeImage(file), 'bmp')).equals(Buffer.from(file)), name).to.equal(true);
    }
  });
  it('writes RGBA and gray+alpha BMP as 32-bit V4 BI_BITFIELDS with an alpha mask', () => {
    for (const channels of [2, 4] as const) {
      const bmp = encodeImage({ width: 3, height: 1, channels, data: new Uint8Array(3 * channels).fill(1) }, 'bmp');
      const v = new DataView(bmp.buffer);
      expect([v.getUint32(14, true), v.getUint16(28, true), v.getUint32(30, true), v.getUint32(66, true)]).to.deep.equal([108, 32, 3, 0xff000000]);
      expect(v.getUint32(2, true)).to.equal(bmp.length);
    }
  });
  it('rejects malformed images and unknown formats', () => {
    expect(() => encodeImage({ ...rgb, data: new Uint8Array(5) }, 'png')).to.throw(ShapeError, /encodePng: .*needs 18 bytes, got 5/);
    expect(() => encodeImage({ ...rgb, channels: 5 as 3 }, 'bmp')).to.throw(ShapeError, /encodeBmp/);
    expect(() => encodeImage({ ...rgb, data: [1] as unknown as Uint8Array }, 'bmp')).to.throw(ShapeError, /Uint8Array/);
    expect(() => encodeImage(rgb, 'jpg' as 'png')).to.throw(OptionError, /unknown format "jpg"/);
  });
});
