/**
 * zlib/DEFLATE decompression (RFC 1950 / RFC 1951), pure TypeScript, for the PNG decoder.
 *
 * Why not pngjs's or Node's inflate: pngjs 7's synchronous decoder misreads Node >= 9's zlib write
 * state, so on Node 20 a truncated or corrupt IDAT stream raises no error and the image is filled
 * from uninitialised memory. This module needs no Node API (browser-safe), inflates straight into
 * a buffer of the size the PNG header implies, and reports every malformed stream.
 *
 * Huffman codes are decoded with a lookup table per code indexed by the next 10 stream bits (codes
 * are stored bit-reversed, so the table is filled at reversed-code strides); an entry is
 * `symbol << 4 | codeLength`. The rare longer codes (and invalid bit patterns) fall back to
 * canonical bit-by-bit decoding, so building a table never costs more than 1024 writes per code.
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

/** Bits resolved by one table lookup; longer (rare) codes take {@link slowDecode}. */
const PRIMARY_BITS = 10;

interface Huffman {
  /** 2^bits entries `symbol << 4 | length` for codes of <= bits bits; 0 = longer code or no code. */
  table: Uint16Array;
  bits: number;
  /** Number of codes of each length 0..15, and the symbols in canonical order (for slowDecode). */
  count: Uint16Array;
  symbols: Uint16Array;
}

/** Canonical Huffman decoder from code lengths (RFC 1951 3.2.2). */
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
  const offset = new Uint16Array(16);
  let code = 0;
  let left = 1;
  for (let l = 1; l <= 15; l++) {
    left = (left << 1) - count[l]!;
    if (left < 0) throw new InflateError(`over-subscribed ${what} Huffman code`);
    code = (code + count[l - 1]!) << 1;
    next[l] = code;
    offset[l] = offset[l - 1]! + count[l - 1]!;
  }
  const bits = Math.min(Math.max(maxLen, 1), PRIMARY_BITS);
  const table = new Uint16Array(1 << bits); // incomplete codes leave 0 entries
  const symbols = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) {
    const l = lengths[s]!;
    if (l === 0) continue;
    symbols[offset[l]!++] = s;
    const c = next[l]!++;
    if (l > bits) continue;
    let rev = 0; // codes are stored MSB first, the stream is read LSB first
    for (let i = 0; i < l; i++) rev |= ((c >> i) & 1) << (l - 1 - i);
    const entry = (s << 4) | l;
    for (let i = rev; i < table.length; i += 1 << l) table[i] = entry;
  }
  return { table, bits, count, symbols };
}

/**
 * Decodes a code longer than the table (or an invalid one) bit by bit, canonically (zlib's puff.c):
 * returns `symbol << 4 | length`; the caller checks that `length` bits were available.
 */
function slowDecode(h: Huffman, buf: number): number {
  let code = 0;
  let first = 0;
  let index = 0;
  for (let len = 1; len <= 15; len++) {
    code |= (buf >> (len - 1)) & 1;
    const count = h.count[len]!;
    if (code - first < count) return (h.symbols[index + code - first]! << 4) | len;
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  throw new InflateError('invalid Huffman code in zlib stream');
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

  // The bit reader lives in locals (pos, buf, cnt) for speed: `buf` holds `cnt` <= 24 unread bits,
  // LSB first, so it stays a small non-negative integer (no heap numbers in the hot loop).
  const n = src.length;
  const outLen = out.length;
  let pos = 2;
  let buf = 0;
  let cnt = 0;
  let o = 0;
  let final = 0;
  // `overflow`: the stream holds more data than `out` takes; the rest is ignored (libpng does the same).
  let overflow = false;
  blocks: while (!final) {
    while (cnt < 3) {
      if (pos >= n) throw truncated();
      buf |= src[pos++]! << cnt;
      cnt += 8;
    }
    final = buf & 1;
    const type = (buf >> 1) & 3;
    buf >>= 3;
    cnt -= 3;
    if (type === 0) {
      // stored block: drop to a byte boundary, give back whole buffered bytes
      pos -= cnt >> 3;
      buf = 0;
      cnt = 0;
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
      const reader = new BitReader(src, pos, buf, cnt);
      [lit, dist] = readDynamicTables(reader);
      ({ pos, buf, cnt } = reader);
    } else {
      throw new InflateError('invalid block type 3 in zlib stream');
    }
    const lt = lit.table;
    const lm = (1 << lit.bits) - 1;
    const dt = dist.table;
    const dm = (1 << dist.bits) - 1;
    for (;;) {
      // Refill to >= 17 bits (a code is <= 15). Near the end of the input the lookup sees zero
      // padding; the code length check below catches a code that runs past the end.
      while (cnt <= 16 && pos < n) {
        buf |= src[pos++]! << cnt;
        cnt += 8;
      }
      let e = lt[buf & lm]!;
      if (e === 0) e = slowDecode(lit, buf);
      let l = e & 15;
      if (l > cnt) throw truncated();
      buf >>= l;
      cnt -= l;
      const sym = e >> 4;
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
      let length = LEN_BASE[li]!;
      const le = LEN_EXTRA[li]!;
      while (cnt <= 16 && pos < n) {
        buf |= src[pos++]! << cnt;
        cnt += 8;
      }
      if (le > 0) {
        if (le > cnt) throw truncated();
        length += buf & ((1 << le) - 1);
        buf >>= le;
        cnt -= le;
      }
      while (cnt <= 16 && pos < n) {
        buf |= src[pos++]! << cnt;
        cnt += 8;
      }
      e = dt[buf & dm]!;
      if (e === 0) e = slowDecode(dist, buf);
      l = e & 15;
      if (l > cnt) throw truncated();
      buf >>= l;
      cnt -= l;
      const di = e >> 4;
      if (di >= 30) throw new InflateError(`invalid distance symbol ${di} in zlib stream`);
      let distance = DIST_BASE[di]!;
      const de = DIST_EXTRA[di]!;
      if (de > 0) {
        while (cnt <= 16 && pos < n) {
          buf |= src[pos++]! << cnt;
          cnt += 8;
        }
        if (de > cnt) throw truncated();
        distance += buf & ((1 << de) - 1);
        buf >>= de;
        cnt -= de;
      }
      if (distance > o) throw new InflateError('zlib stream refers back before its start');
      const end = o + length;
      const stop = end < outLen ? end : outLen;
      for (let from = o - distance; o < stop; ) out[o++] = out[from++]!;
      if (end > outLen) {
        overflow = true;
        break blocks;
      }
    }
  }

  if (!overflow) {
    // The stream ended by itself: its Adler-32 trailer follows the last whole byte.
    pos -= cnt >> 3;
    if (pos + 4 > n) throw truncated();
    const stored = ((src[pos]! << 24) | (src[pos + 1]! << 16) | (src[pos + 2]! << 8) | src[pos + 3]!) >>> 0;
    if (stored !== adler32(out, o)) throw new InflateError('zlib checksum (Adler-32) mismatch');
  }
  return o;
}

function truncated(): InflateError {
  return new InflateError('zlib stream is truncated');
}

/** Bit reader for the (cold) dynamic-table header; the hot loop keeps the same state in locals. */
class BitReader {
  constructor(
    readonly src: Uint8Array,
    public pos: number,
    public buf: number,
    public cnt: number,
  ) {}

  /** Reads `k` <= 16 bits, LSB first. */
  bits(k: number): number {
    while (this.cnt < k) {
      if (this.pos >= this.src.length) throw truncated();
      this.buf |= this.src[this.pos++]! << this.cnt;
      this.cnt += 8;
    }
    const v = this.buf & ((1 << k) - 1);
    this.buf >>= k;
    this.cnt -= k;
    return v;
  }

  /** Decodes one Huffman symbol. */
  decode(h: Huffman): number {
    while (this.cnt <= 16 && this.pos < this.src.length) {
      this.buf |= this.src[this.pos++]! << this.cnt;
      this.cnt += 8;
    }
    let e = h.table[this.buf & ((1 << h.bits) - 1)]!;
    if (e === 0) e = slowDecode(h, this.buf);
    const l = e & 15;
    if (l > this.cnt) throw truncated();
    this.buf >>= l;
    this.cnt -= l;
    return e >> 4;
  }
}

function readDynamicTables(r: BitReader): [Huffman, Huffman] {
  const hlit = r.bits(5) + 257;
  const hdist = r.bits(5) + 1;
  const hclen = r.bits(4) + 4;
  if (hlit > 286 || hdist > 30) throw new InflateError('too many literal/length or distance codes in zlib stream');
  const clLengths = new Uint8Array(19);
  for (let i = 0; i < hclen; i++) clLengths[CL_ORDER[i]!] = r.bits(3);
  const cl = buildHuffman(clLengths, 'code length');
  const lengths = new Uint8Array(hlit + hdist);
  for (let i = 0; i < lengths.length; ) {
    const sym = r.decode(cl);
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (sym === 16) {
      if (i === 0) throw new InflateError('code length repeat with no previous length in zlib stream');
      value = lengths[i - 1]!;
      repeat = 3 + r.bits(2);
    } else if (sym === 17) {
      repeat = 3 + r.bits(3);
    } else {
      repeat = 11 + r.bits(7);
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
