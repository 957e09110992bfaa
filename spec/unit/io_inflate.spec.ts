import { expect } from 'chai';
import fc from 'fast-check';
import { constants, deflateSync } from 'node:zlib';
import { adler32, inflateZlib, InflateError } from '../../lib/image/inflate.js';

/** Bytes with long runs and repeats (so deflate emits matches) mixed with noise. */
const arbPayload = fc.array(
  fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 64 }),
    fc.record({ v: fc.integer({ min: 0, max: 255 }), n: fc.integer({ min: 1, max: 600 }) }).map(({ v, n }) => new Uint8Array(n).fill(v)),
  ),
  { maxLength: 40 },
).map((parts) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
});

const SETTINGS = [
  { level: 0 }, // stored blocks
  { level: 1 },
  { level: 6 },
  { level: 9 },
  { level: 9, strategy: constants.Z_FIXED }, // fixed Huffman blocks
  { level: 9, strategy: constants.Z_HUFFMAN_ONLY },
  { level: 9, strategy: constants.Z_RLE },
  { level: 9, strategy: constants.Z_FILTERED },
];

function inflate(z: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  const n = inflateZlib(z, out);
  return out.subarray(0, n);
}

describe('inflateZlib', () => {
  it('matches Node zlib for stored, fixed, dynamic, RLE and Huffman-only streams', () => {
    fc.assert(
      fc.property(arbPayload, fc.constantFrom(...SETTINGS), (data, opts) => {
        const z = deflateSync(data, opts);
        expect(Buffer.from(inflate(z, data.length)).equals(Buffer.from(data))).to.equal(true);
      }),
      { numRuns: 300 },
    );
  });

  it('inflates a 1 MB stream with long-distance matches', () => {
    const data = new Uint8Array(1 << 20);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 27 ^ (i >> 13);
    const z = deflateSync(data, { level: 9 });
    expect(Buffer.from(inflate(z, data.length)).equals(Buffer.from(data))).to.equal(true);
  });

  it('stops when the output is full and ignores the rest (libpng behaviour)', () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    for (const opts of SETTINGS) {
      const out = new Uint8Array(700);
      expect(inflateZlib(deflateSync(data, opts), out)).to.equal(700);
      expect(Buffer.from(out).equals(Buffer.from(data.subarray(0, 700)))).to.equal(true);
    }
  });

  it('returns a short count when the stream ends early', () => {
    const out = new Uint8Array(100);
    expect(inflateZlib(deflateSync(new Uint8Array(40).fill(7)), out)).to.equal(40);
  });

  it('rejects bad headers, preset dictionaries, block type 3, bad checksums', () => {
    const good = deflateSync(new Uint8Array(50).fill(1));
    const cases: Array<[Uint8Array, RegExp]> = [
      [Uint8Array.of(0x78), /shorter than its 2-byte header/],
      [Uint8Array.of(0x79, 0x9c, 0, 0), /invalid zlib header/],
      [Uint8Array.of(0x78, 0x9d, 0, 0), /invalid zlib header/],
      [Uint8Array.of(0x78, 0xbb, 0, 0, 0, 0), /preset dictionary/],
      [Uint8Array.of(0x78, 0x9c, 0xff, 0xff), /invalid block type 3/],
      [Uint8Array.of(0x78, 0x9c, 0x01, 0x05, 0x00, 0xfa, 0xff), /truncated/], // stored block of 5 bytes, data missing
      [Uint8Array.of(0x78, 0x9c, 0x01, 0x05, 0x00, 0x00, 0x00), /stored block length/],
      [Uint8Array.of(...good.subarray(0, good.length - 1), good[good.length - 1]! ^ 1), /Adler-32/],
      [good.subarray(0, good.length - 2), /truncated/],
    ];
    for (const [z, re] of cases) expect(() => inflateZlib(z, new Uint8Array(64)), re.source).to.throw(InflateError, re);
  });

  it('every truncation or corruption throws InflateError or returns a count, never another error', () => {
    fc.assert(
      fc.property(arbPayload, fc.constantFrom(...SETTINGS), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (data, opts, cutSeed, atSeed, v) => {
        const z = deflateSync(data, opts);
        const cut = z.subarray(0, cutSeed % (z.length + 1));
        const bad = Uint8Array.from(z);
        bad[atSeed % bad.length] = v;
        for (const stream of [cut, bad]) {
          try {
            const n = inflateZlib(stream, new Uint8Array(data.length));
            expect(n).to.be.within(0, data.length);
          } catch (e) {
            expect(e).to.be.instanceOf(InflateError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('adler32 matches zlib for known inputs', () => {
    expect(adler32(new TextEncoder().encode('Wikipedia'))).to.equal(0x11e60398);
    expect(adler32(new Uint8Array(0))).to.equal(1);
    const big = new Uint8Array(100000).fill(255); // crosses the 5552-byte modulo blocks
    const z = deflateSync(big);
    const trailer = ((z[z.length - 4]! << 24) | (z[z.length - 3]! << 16) | (z[z.length - 2]! << 8) | z[z.length - 1]!) >>> 0;
    expect(adler32(big)).to.equal(trailer);
  });
});
