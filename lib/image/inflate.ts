/**
 * zlib/DEFLATE decompression (RFC 1950 / RFC 1951), pure TypeScript, for the PNG decoder.
 *
 * Why not pngjs's or Node's inflate: pngjs 7's synchronous decoder misreads Node >= 9's zlib write
 * state, so on Node 20 a truncated or corrupt IDAT stream raises no error and the image is filled
 * from uninitialised memory. This module needs no Node API (browser-safe), inflates straight into
 * a buffer of the size the PNG header implies, and reports every malformed stream.
 *
 * Huffman codes are decoded with one lookup table per code, indexed by the next `maxLen` stream
 * bits (codes are stored bit-reversed, so the table is filled at reversed-code strides); an entry
 * is `symbol << 4 | codeLength`, 0 marks a bit pattern that is no code.
 */

/** A malformed or truncated zlib stream; the PNG decoder turns it into a DecodeError. */
export class InflateError extends Error {}

const LEN_BASE = new Uint16Array([3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]);
const LEN_EXTRA = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]);
const DIST_BASE = new Uint16Array([
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
]);
const DIST_EXTRA = new Uint8Array([0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]);
/** Order in which code-length code lengths are stored (RFC 1951 3.2.7). */
const CL_ORDER = new Uint8Array([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);

interface Huffman {
  table: Uint16Array;
  bits: number;
}

/** Canonical Huffman lookup table from code lengths (RFC 1951 3.2.2). */
function buildHuffman(lengths: Uint8Array, what: string): Huffman {
  const count = new Uint16Array(16);
  let maxLen = 0;
  for (let s = 0; s < lengths.length; s++) {
    const l = lengths[s]!;
    count[l]!++;
    if (l > maxLen) maxLen = l;
  }
  count[0] = 0;
  const next = new Uint16Array(16);
  let code = 0;
  let left = 1;
  for (let l = 1; l <= 15; l++) {
    left = (left << 1) - count[l]!;
    if (left < 0) throw new InflateError(`over-subscribed ${what} Huffman code`);
    code = (code + count[l - 1]!) << 1;
    next[l] = code;
  }
  const bits = Math.max(maxLen, 1);
  const table = new Uint16Array(1 << bits); // incomplete codes leave 0 (= invalid) entries
  for (let s = 0; s < lengths.length; s++) {
    const l = lengths[s]!;
    if (l === 0) continue;
    const c = next[l]!++;
    let rev = 0;
    for (let i = 0; i < l; i++) rev |= ((c >> i) & 1) << (l - 1 - i);
    const entry = (s << 4) | l;
    for (let i = rev; i < table.length; i += 1 << l) table[i] = entry;
  }
  return { table, bits };
}

let fixedLit: Huffman | null = null;
let fixedDist: Huffman | null = null;

function fixedTables(): [Huffman, Huffman] {
  if (fixedLit === null || fixedDist === null) {
    const l = new Uint8Array(288);
    l.fill(8, 0, 144);
    l.fill(9, 144, 256);
    l.fill(7, 256, 280);
    l.fill(8, 280, 288);
    fixedLit = buildHuffman(l, 'fixed literal/length');
    fixedDist = buildHuffman(new Uint8Array(30).fill(5), 'fixed distance');
  }
  return [fixedLit, fixedDist];
}

/**
 * Inflates the zlib stream `src` into `out`, stopping once `out` is full (any further data is
 * ignored, as libpng does). When the stream ends by itself (final block done), its Adler-32
 * trailer is verified.
 * @returns the number of bytes written; it equals `out.length` unless the stream ended early.
 * @throws InflateError for a bad header, a preset dictionary, an invalid block, code or distance,
 * a truncated stream or a checksum mismatch.
 */
export function inflateZlib(src: Uint8Array, out: Uint8Array): number {
  if (src.length < 2) throw new InflateError('zlib stream is shorter than its 2-byte header');
  const cmf = src[0]!;
  const flg = src[1]!;
  if ((cmf & 15) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0) throw new InflateError('invalid zlib header');
  if (flg & 0x20) throw new InflateError('zlib stream needs a preset dictionary');

  const n = src.length;
  const outLen = out.length;
  let pos = 2;
  let bitBuf = 0;
  let bitCnt = 0;
  let o = 0;
  let final = 0;
  const truncated = (): InflateError => new InflateError('zlib stream is truncated');

  /** Reads `k` <= 24 bits, LSB first. */
  const bits = (k: number): number => {
    while (bitCnt < k) {
      if (pos >= n) throw truncated();
      bitBuf |= src[pos++]! << bitCnt;
      bitCnt += 8;
    }
    const v = bitBuf & ((1 << k) - 1);
    bitBuf >>>= k;
    bitCnt -= k;
    return v;
  };
  /** Decodes one symbol; near the end of the input the lookup pads with zero bits, then checks the real length. */
  const decode = (h: Huffman): number => {
    while (bitCnt < h.bits && pos < n) {
      bitBuf |= src[pos++]! << bitCnt;
      bitCnt += 8;
    }
    const e = h.table[bitBuf & ((1 << h.bits) - 1)]!;
    const l = e & 15;
    if (l === 0) throw new InflateError('invalid Huffman code in zlib stream');
    if (l > bitCnt) throw truncated();
    bitBuf >>>= l;
    bitCnt -= l;
    return e >> 4;
  };

  // `overflow`: the stream holds more data than `out` takes; the rest is ignored (libpng does the same).
  let overflow = false;
  blocks: while (!final) {
    final = bits(1);
    const type = bits(2);
    if (type === 0) {
      // stored block: drop to a byte boundary, give back whole buffered bytes
      pos -= bitCnt >> 3;
      bitBuf = 0;
      bitCnt = 0;
      if (pos + 4 > n) throw truncated();
      const len = src[pos]! | (src[pos + 1]! << 8);
      const nlen = src[pos + 2]! | (src[pos + 3]! << 8);
      if (len !== (~nlen & 0xffff)) throw new InflateError('corrupt stored block length in zlib stream');
      pos += 4;
      const take = Math.min(len, outLen - o);
      if (pos + take > n) throw truncated();
      out.set(src.subarray(pos, pos + take), o);
      o += take;
      if (take < len) {
        overflow = true;
        break;
      }
      pos += len;
      continue;
    }
    let lit: Huffman;
    let dist: Huffman;
    if (type === 1) {
      [lit, dist] = fixedTables();
    } else if (type === 2) {
      [lit, dist] = readDynamicTables(bits, decode);
    } else {
      throw new InflateError('invalid block type 3 in zlib stream');
    }
    for (;;) {
      const sym = decode(lit);
      if (sym < 256) {
        if (o === outLen) {
          overflow = true;
          break blocks;
        }
        out[o++] = sym;
        continue;
      }
      if (sym === 256) break;
      const li = sym - 257;
      if (li >= 29) throw new InflateError(`invalid length symbol ${sym} in zlib stream`);
      const length = LEN_BASE[li]! + bits(LEN_EXTRA[li]!);
      const di = decode(dist);
      if (di >= 30) throw new InflateError(`invalid distance symbol ${di} in zlib stream`);
      const distance = DIST_BASE[di]! + bits(DIST_EXTRA[di]!);
      if (distance > o) throw new InflateError('zlib stream refers back before its start');
      const end = o + length;
      const stop = Math.min(end, outLen);
      for (let from = o - distance; o < stop; ) out[o++] = out[from++]!;
      if (end > outLen) {
        overflow = true;
        break blocks;
      }
    }
  }

  if (!overflow) {
    // The stream ended by itself: its Adler-32 trailer follows the last whole byte.
    pos -= bitCnt >> 3;
    if (pos + 4 > n) throw truncated();
    const stored = ((src[pos]! << 24) | (src[pos + 1]! << 16) | (src[pos + 2]! << 8) | src[pos + 3]!) >>> 0;
    if (stored !== adler32(out, o)) throw new InflateError('zlib checksum (Adler-32) mismatch');
  }
  return o;
}

function readDynamicTables(bits: (k: number) => number, decode: (h: Huffman) => number): [Huffman, Huffman] {
  const hlit = bits(5) + 257;
  const hdist = bits(5) + 1;
  const hclen = bits(4) + 4;
  if (hlit > 286 || hdist > 30) throw new InflateError('too many literal/length or distance codes in zlib stream');
  const clLengths = new Uint8Array(19);
  for (let i = 0; i < hclen; i++) clLengths[CL_ORDER[i]!] = bits(3);
  const cl = buildHuffman(clLengths, 'code length');
  const lengths = new Uint8Array(hlit + hdist);
  for (let i = 0; i < lengths.length; ) {
    const sym = decode(cl);
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (sym === 16) {
      if (i === 0) throw new InflateError('code length repeat with no previous length in zlib stream');
      value = lengths[i - 1]!;
      repeat = 3 + bits(2);
    } else if (sym === 17) {
      repeat = 3 + bits(3);
    } else {
      repeat = 11 + bits(7);
    }
    if (i + repeat > lengths.length) throw new InflateError('code lengths overflow in zlib stream');
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  if (lengths[256] === 0) throw new InflateError('zlib block has no end-of-block code');
  return [buildHuffman(lengths.subarray(0, hlit), 'literal/length'), buildHuffman(lengths.subarray(hlit), 'distance')];
}

/** Adler-32 of `data[0, len)` (RFC 1950 8.2). */
export function adler32(data: Uint8Array, len = data.length): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < len; ) {
    const end = Math.min(i + 5552, len); // largest block before the sums can overflow 2^32
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
