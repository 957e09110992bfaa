/**
 * PNG decoder, pure TypeScript (browser-safe). The encoder is in png_encode.ts (pngjs).
 *
 * Decoding keeps the channel count of the file; values are 8-bit, RGB(A) order:
 *
 * | IHDR colour type | channels | note |
 * |------------------|----------|------|
 * | 0 gray           | 1        | 2 (gray + alpha) with a tRNS colour key; OpenCV ignores the key (1) |
 * | 2 RGB            | 3        | 4 (RGBA) with a tRNS colour key, as OpenCV |
 * | 3 palette        | 3        | 4 (RGBA) with a tRNS chunk, as OpenCV (also for an all-gray palette) |
 * | 4 gray + alpha   | 2        | OpenCV returns 4 (BGRA) |
 * | 6 RGBA           | 4        | |
 *
 * Bit depths: a 16-bit sample `v` becomes `v >> 8`, i.e. its high byte (what `cv2.imread` returns
 * with `IMREAD_COLOR`/`IMREAD_GRAYSCALE`, libpng `png_set_strip_16`; `IMREAD_UNCHANGED` keeps
 * uint16). 1/2/4-bit gray is scaled exactly by 255, 85 and 17 (libpng
 * `png_set_expand_gray_1_2_4_to_8`). A pixel matching the tRNS key gets alpha 0 and keeps its
 * colour, all others alpha 255; palette entries beyond the tRNS list are opaque and indices beyond
 * the palette read as black. Adam7 interlacing is supported; gamma and colour profiles are ignored.
 *
 * Robustness: every chunk CRC is checked (a bad ancillary chunk is skipped, a bad critical chunk
 * is an error, as libpng), the header size is checked against {@link MAX_DECODE_PIXELS} and the
 * IDAT length against the size it must inflate to (DEFLATE expands at most 1032:1) before anything
 * large is allocated, and the zlib stream is inflated by {@link inflateZlib} into a buffer of exactly
 * the expected size. Bytes after IEND are ignored.
 *
 * Why not pngjs for decoding: pngjs 7's `PNG.sync.read` misreads Node >= 9's zlib state; on Node 20
 * a truncated or corrupt IDAT stream raises no error and the image is filled from uninitialised
 * memory. pngjs is used only to encode.
 */
import { DecodeError } from '../errors.js';
import type { Channels, Image } from './image.js';
import { inflateZlib, InflateError } from './inflate.js';
import { checkDecodeSize, MAX_DECODE_PIXELS } from './limits.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Samples per pixel for each IHDR colour type. */
const SAMPLES: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Allowed bit depths for each IHDR colour type (PNG spec, table 11.1). */
const DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
/** Adam7 passes: x0, y0, dx, dy. */
const ADAM7: ReadonlyArray<readonly [number, number, number, number]> = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];
const NO_INTERLACE: ReadonlyArray<readonly [number, number, number, number]> = [[0, 0, 1, 1]];
/** DEFLATE cannot expand data by more than this factor (258-byte matches coded in 2 bits). */
const MAX_INFLATE_RATIO = 1032;
/** Factor taking a 1/2/4-bit gray sample to 0..255 (by depth). */
const GRAY_SCALE: Readonly<Record<number, number>> = { 1: 255, 2: 85, 4: 17, 8: 1 };

/** What the chunk walk learns about a PNG. */
interface PngInfo {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlaced: boolean;
  /** PLTE as RGB triples (colour type 3 only). */
  palette: Uint8Array | null;
  /** tRNS alpha per palette entry (colour type 3). */
  paletteAlpha: Uint8Array | null;
  /** tRNS colour key in raw sample values (colour types 0 and 2). */
  key: number[] | null;
  /** The IDAT payloads, concatenated. */
  idat: Uint8Array;
}

/** True when `bytes` start with the 8-byte PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  if (bytes.length < SIGNATURE.length) return false;
  for (let i = 0; i < SIGNATURE.length; i++) if (bytes[i] !== SIGNATURE[i]) return false;
  return true;
}

/**
 * Decodes a PNG file into an 8-bit {@link Image} (see the module comment for channels and depths).
 * @param source - named in error messages (a file path, or `<buffer>`).
 * @throws DecodeError naming `source` when the file is not a PNG, truncated, corrupt (bad CRC,
 * bad zlib stream, bad filter type), absurdly large or uses an unknown critical chunk.
 */
export function decodePng(bytes: Uint8Array, source = '<buffer>'): Image {
  const info = readChunks(bytes, source);
  const { width, height, depth, colorType } = info;
  const bitsPerPixel = SAMPLES[colorType]! * depth;
  const passes = info.interlaced ? ADAM7 : NO_INTERLACE;
  let rawSize = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((width - x0) / dx);
    const ph = Math.ceil((height - y0) / dy);
    if (pw > 0 && ph > 0) rawSize += ph * (1 + Math.ceil((pw * bitsPerPixel) / 8));
  }
  if (rawSize > info.idat.length * MAX_INFLATE_RATIO + 1024) {
    throw new DecodeError(
      source,
      `truncated or corrupt PNG: ${info.idat.length} bytes of IDAT cannot inflate to the ${rawSize} bytes a ` +
        `${width}x${height} image needs (limit ${MAX_DECODE_PIXELS} pixels)`,
    );
  }
  const raw = new Uint8Array(rawSize);
  let got: number;
  try {
    got = inflateZlib(info.idat, raw);
  } catch (e) {
    if (e instanceof InflateError) throw new DecodeError(source, `corrupt PNG image data: ${e.message}`, { cause: e });
    throw e;
  }
  if (got < rawSize) throw new DecodeError(source, `truncated PNG image data: it inflates to ${got} of the ${rawSize} bytes needed`);

  const gray = colorType === 0 || colorType === 4;
  const alpha = colorType === 4 || colorType === 6 || info.key !== null || info.paletteAlpha !== null;
  const channels = ((gray ? 1 : 3) + (alpha ? 1 : 0)) as Channels;
  const out = new Uint8Array(width * height * channels);
  const bpp = Math.max(1, bitsPerPixel >> 3); // filter byte distance
  let at = 0;
  for (const pass of passes) {
    const [x0, y0, dx, dy] = pass;
    const pw = Math.ceil((width - x0) / dx);
    const ph = Math.ceil((height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const rowBytes = Math.ceil((pw * bitsPerPixel) / 8);
    for (let y = 0; y < ph; y++, at += rowBytes + 1) {
      unfilterRow(raw, at, rowBytes, y === 0 ? -1 : at - rowBytes - 1, bpp, source);
      writeRow(out, raw, at + 1, pw, y0 + y * dy, pass, channels, info);
    }
  }
  return { width, height, channels, data: out };
}

/**
 * Reverses the PNG filter of one row in place (PNG spec, section 9). `prev` is the offset of the
 * previous row's filter byte, or -1 for the first row of a pass (whose "previous row" is zeros).
 */
function unfilterRow(raw: Uint8Array, at: number, rowBytes: number, prev: number, bpp: number, source: string): void {
  const type = raw[at]!;
  const s = at + 1;
  const p = prev + 1;
  const head = bpp < rowBytes ? bpp : rowBytes; // bytes with no left neighbour
  switch (type) {
    case 0:
      return;
    case 1: // Sub
      for (let i = bpp; i < rowBytes; i++) raw[s + i] = raw[s + i]! + raw[s + i - bpp]!;
      return;
    case 2: // Up
      if (prev >= 0) for (let i = 0; i < rowBytes; i++) raw[s + i] = raw[s + i]! + raw[p + i]!;
      return;
    case 3: // Average
      if (prev < 0) {
        for (let i = bpp; i < rowBytes; i++) raw[s + i] = raw[s + i]! + (raw[s + i - bpp]! >> 1);
        return;
      }
      for (let i = 0; i < head; i++) raw[s + i] = raw[s + i]! + (raw[p + i]! >> 1);
      for (let i = bpp; i < rowBytes; i++) raw[s + i] = raw[s + i]! + ((raw[s + i - bpp]! + raw[p + i]!) >> 1);
      return;
    case 4: // Paeth; with no previous row it reduces to Sub
      if (prev < 0) {
        for (let i = bpp; i < rowBytes; i++) raw[s + i] = raw[s + i]! + raw[s + i - bpp]!;
        return;
      }
      for (let i = 0; i < head; i++) raw[s + i] = raw[s + i]! + raw[p + i]!;
      for (let i = bpp; i < rowBytes; i++) {
        const a = raw[s + i - bpp]!;
        const b = raw[p + i]!;
        const c = raw[p + i - bpp]!;
        const pa = b > c ? b - c : c - b; // |p - a| with p = a + b - c
        const pb = a > c ? a - c : c - a; // |p - b|
        const pc = a + b > 2 * c ? a + b - 2 * c : 2 * c - a - b; // |p - c|
        raw[s + i] = raw[s + i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      return;
    default:
      throw new DecodeError(source, `corrupt PNG: invalid filter type ${type}`);
  }
}

/** Converts one unfiltered row of `pw` pixels (a full row, or one Adam7 pass row) into `out`. */
function writeRow(
  out: Uint8Array,
  raw: Uint8Array,
  s: number,
  pw: number,
  y: number,
  pass: readonly [number, number, number, number],
  channels: number,
  info: PngInfo,
): void {
  const { width, depth, colorType, palette, paletteAlpha, key } = info;
  const [x0, , dx] = pass;
  const spp = SAMPLES[colorType]!;
  const rowOut = y * width;
  // Fast path: 8-bit samples map 1:1 to output bytes.
  if (depth === 8 && colorType !== 3 && key === null) {
    if (dx === 1) {
      out.set(raw.subarray(s, s + pw * spp), rowOut * channels);
    } else {
      for (let x = 0; x < pw; x++) {
        const o = (rowOut + x0 + x * dx) * channels;
        for (let k = 0; k < spp; k++) out[o + k] = raw[s + x * spp + k]!;
      }
    }
    return;
  }
  const mask = (1 << depth) - 1;
  const grayScale = GRAY_SCALE[depth] ?? 1;
  const nPalette = palette === null ? 0 : palette.length / 3;
  const nAlpha = paletteAlpha === null ? 0 : paletteAlpha.length;
  for (let x = 0; x < pw; x++) {
    let o = (rowOut + x0 + x * dx) * channels;
    if (depth < 8) {
      const bit = x * depth; // the leftmost sample sits in the high bits of a byte
      const v = (raw[s + (bit >> 3)]! >> (8 - depth - (bit & 7))) & mask;
      if (colorType === 3) {
        if (v < nPalette) {
          out[o] = palette![3 * v]!;
          out[o + 1] = palette![3 * v + 1]!;
          out[o + 2] = palette![3 * v + 2]!;
        }
        if (paletteAlpha !== null) out[o + 3] = v < nAlpha ? paletteAlpha[v]! : 255;
      } else {
        out[o] = v * grayScale;
        if (key !== null) out[o + 1] = v === key[0] ? 0 : 255;
      }
      continue;
    }
    if (colorType === 3) {
      const v = raw[s + x]!;
      if (v < nPalette) {
        out[o] = palette![3 * v]!;
        out[o + 1] = palette![3 * v + 1]!;
        out[o + 2] = palette![3 * v + 2]!;
      }
      if (paletteAlpha !== null) out[o + 3] = v < nAlpha ? paletteAlpha[v]! : 255;
      continue;
    }
    // 8- or 16-bit gray, GA, RGB, RGBA; for 16 bits the 8-bit value is the high byte (v >> 8).
    let matches = key !== null;
    for (let k = 0; k < spp; k++) {
      let v: number;
      if (depth === 16) {
        const i = s + 2 * (x * spp + k);
        out[o++] = raw[i]!;
        v = (raw[i]! << 8) | raw[i + 1]!;
      } else {
        v = raw[s + x * spp + k]!;
        out[o++] = v;
      }
      if (matches && v !== key![k]) matches = false;
    }
    if (key !== null) out[o] = matches ? 0 : 255;
  }
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 of `bytes[start, end)` (PNG spec, annex D). */
function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = -1;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 255]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/**
 * Walks the chunks: signature, IHDR fields, PLTE, tRNS, IDAT payloads, IEND; checks CRCs.
 * @throws DecodeError for a missing/corrupt critical chunk, a truncated file or an absurd size.
 */
function readChunks(bytes: Uint8Array, source: string): PngInfo {
  const fail = (problem: string): DecodeError => new DecodeError(source, problem);
  if (!isPng(bytes)) throw fail('not a PNG file (bad signature)');
  const n = bytes.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  let info: PngInfo | null = null;
  const idat: Array<[number, number]> = [];
  let idatBytes = 0;
  let trns: Uint8Array | null = null;
  let pos = SIGNATURE.length;
  for (;;) {
    if (pos + 8 > n) throw fail(`truncated PNG: chunk header at byte ${pos} is cut off (file has ${n} bytes, no IEND)`);
    const length = view.getUint32(pos);
    const type = String.fromCharCode(bytes[pos + 4]!, bytes[pos + 5]!, bytes[pos + 6]!, bytes[pos + 7]!);
    if (length > 0x7fffffff) throw fail(`corrupt PNG: chunk "${type}" at byte ${pos} has an invalid length ${length}`);
    const data = pos + 8;
    const next = data + length + 4; // + CRC
    if (next > n) throw fail(`truncated PNG: chunk "${type}" at byte ${pos} needs ${length + 12} bytes, only ${n - pos} remain`);
    const critical = (bytes[pos + 4]! & 0x20) === 0;
    if (crc32(bytes, pos + 4, data + length) !== view.getUint32(data + length)) {
      if (critical) throw fail(`corrupt PNG: CRC mismatch in chunk "${type}" at byte ${pos}`);
      pos = next; // libpng also drops an ancillary chunk with a bad CRC
      continue;
    }
    if (info === null) {
      if (type !== 'IHDR' || length !== 13) throw fail('corrupt PNG: the first chunk is not a 13-byte IHDR');
      info = readIhdr(view, data, source);
    } else if (type === 'IDAT') {
      idat.push([data, length]);
      idatBytes += length;
    } else if (type === 'PLTE') {
      if (length % 3 !== 0 || length === 0 || length > 768) throw fail(`corrupt PNG: PLTE chunk of ${length} bytes`);
      if (info.colorType === 3) info.palette = bytes.slice(data, data + length);
    } else if (type === 'tRNS') {
      trns = bytes.subarray(data, data + length);
    } else if (type === 'IEND') {
      break;
    } else if (critical) {
      throw fail(`unsupported PNG: unknown critical chunk "${type}"`);
    }
    pos = next;
  }
  if (idat.length === 0) throw fail('corrupt PNG: no image data (IDAT chunk)');
  if (info.colorType === 3 && info.palette === null) throw fail('corrupt PNG: palette image without a PLTE chunk');
  // tRNS of the wrong size for its colour type is ignored, as libpng does.
  if (trns !== null) {
    const tv = new DataView(trns.buffer, trns.byteOffset, trns.length);
    if (info.colorType === 3 && trns.length > 0) info.paletteAlpha = trns.slice(0, info.palette!.length / 3);
    if (info.colorType === 0 && trns.length === 2) info.key = [tv.getUint16(0) & ((1 << info.depth) - 1)];
    if (info.colorType === 2 && trns.length === 6) info.key = [tv.getUint16(0), tv.getUint16(2), tv.getUint16(4)];
  }
  info.idat = new Uint8Array(idatBytes);
  let o = 0;
  for (const [start, length] of idat) {
    info.idat.set(bytes.subarray(start, start + length), o);
    o += length;
  }
  return info;
}

function readIhdr(view: DataView, at: number, source: string): PngInfo {
  const width = view.getUint32(at);
  const height = view.getUint32(at + 4);
  const depth = view.getUint8(at + 8);
  const colorType = view.getUint8(at + 9);
  const interlace = view.getUint8(at + 12);
  checkDecodeSize(width, height, source, 'PNG');
  const depths = DEPTHS[colorType];
  if (depths === undefined) throw new DecodeError(source, `corrupt PNG: unknown colour type ${colorType}`);
  if (!depths.includes(depth)) throw new DecodeError(source, `corrupt PNG: bit depth ${depth} is invalid for colour type ${colorType}`);
  if (view.getUint8(at + 10) !== 0 || view.getUint8(at + 11) !== 0) {
    throw new DecodeError(source, 'corrupt PNG: unknown compression or filter method in IHDR');
  }
  if (interlace > 1) throw new DecodeError(source, `corrupt PNG: unknown interlace method ${interlace}`);
  const empty = new Uint8Array(0);
  return { width, height, depth, colorType, interlaced: interlace === 1, palette: null, paletteAlpha: null, key: null, idat: empty };
}
