/**
 * BMP (Windows bitmap) decoder and encoder, pure TypeScript (browser-safe).
 *
 * Decoding follows OpenCV 4.6 `cv2.imread(path, IMREAD_UNCHANGED)` (grfmt_bmp.cpp), except that the
 * result is RGB(A), not BGR(A):
 * - Headers: BITMAPCOREHEADER (12 bytes, 3-byte palette entries) and BITMAPINFOHEADER with its
 *   longer versions V2/V3/V4/V5 (40, 52, 56, 108, 124 bytes). The pixel data starts at `bfOffBits`
 *   (byte 10), never at a hard-coded 54 (Set5 `butterfly_GT.bmp` has a 108-byte V4 header).
 * - 1/4/8-bit palette images: 1 channel when every palette entry has R = G = B (Set14 `bridge.bmp`),
 *   else 3 channels. Indices past the palette read as black (OpenCV zero-fills the palette).
 * - 16-bit (BI_RGB = X1R5G5B5, or BI_BITFIELDS) -> 3 channels. A field of `n < 8` bits is widened as
 *   `v << (8 - n)` (OpenCV's `icvCvt_BGR5552BGR`: 31 -> 248), a field of `n > 8` bits keeps its top
 *   8 bits (`v >> (n - 8)`).
 * - 24-bit -> 3 channels. 32-bit BI_RGB -> 3 channels (the 4th byte is unused by the format; OpenCV
 *   drops it too). 32-bit BI_BITFIELDS/BI_ALPHABITFIELDS -> 4 channels when the alpha mask is
 *   non-zero, else 3; any contiguous masks are honoured.
 * - Rows bottom-up (height > 0) or top-down (height < 0), each padded to a multiple of 4 bytes. The
 *   padding of the last row may be missing from the file.
 * - RLE4/RLE8 and embedded JPEG/PNG are rejected with a DecodeError ("not supported").
 *
 * Encoding writes bottom-up rows: gray -> 8-bit with a 256-entry gray palette; RGB -> 24-bit BI_RGB
 * (both byte-identical to `cv2.imwrite`); RGBA and gray+alpha -> 32-bit BITMAPV4HEADER with
 * BI_BITFIELDS masks R 0x00FF0000, G 0x0000FF00, B 0x000000FF, A 0xFF000000 (OpenCV reads it as
 * 4 channels). Gray+alpha therefore decodes back as RGBA with R = G = B.
 */
import { DecodeError, ShapeError } from '../errors.js';
import { assertImage, type Channels, type Image } from './image.js';
import { checkDecodeSize } from './limits.js';

const FILE_HEADER = 14;
const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_JPEG = 4;
const BI_PNG = 5;
const BI_ALPHABITFIELDS = 6;
/** DIB header sizes accepted: core, info, V2, V3, V4, V5. */
const INFO_HEADER_SIZES = [40, 52, 56, 108, 124];

/** Everything the pixel loop needs, read and validated from the headers. */
interface BmpLayout {
  width: number;
  height: number;
  topDown: boolean;
  bpp: number;
  channels: Channels;
  /** Start of row 0 of the file (the bottom row unless top-down). */
  dataOffset: number;
  /** Bytes per stored row, padded to a multiple of 4. */
  stride: number;
  /** 256 RGB triples, zero beyond the file's palette (bpp <= 8 only). */
  palette: Uint8Array;
  /** R, G, B, A masks (bpp 16 and 32 only). */
  masks: readonly [number, number, number, number];
}

/** True when `bytes` start with the BMP magic `BM`. */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/**
 * Decodes a BMP file into an {@link Image} (RGB(A) order; see the module comment for the channel
 * rules).
 * @param source - named in error messages (a file path, or `<buffer>`).
 * @throws DecodeError naming `source` when the file is not a BMP, is truncated, corrupt, oversized
 * or uses an unsupported variant (RLE, JPEG/PNG payload, unusual bit depth).
 */
export function decodeBmp(bytes: Uint8Array, source = '<buffer>'): Image {
  const layout = readLayout(bytes, source);
  const { width, height, channels } = layout;
  const out = new Uint8Array(width * height * channels);
  switch (layout.bpp) {
    case 1:
    case 4:
    case 8:
      decodePaletted(out, bytes, layout);
      break;
    case 24:
      decode24(out, bytes, layout);
      break;
    default:
      decodeMasked(out, bytes, layout);
  }
  return { width, height, channels, data: out };
}

function readLayout(bytes: Uint8Array, source: string): BmpLayout {
  const fail = (problem: string): DecodeError => new DecodeError(source, problem);
  if (!isBmp(bytes)) throw fail('not a BMP file (no "BM" signature)');
  const n = bytes.length;
  if (n < FILE_HEADER + 4) throw fail(`truncated BMP: ${n} bytes, the file and DIB header sizes need ${FILE_HEADER + 4}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  if (!core && !INFO_HEADER_SIZES.includes(headerSize)) {
    throw fail(`unsupported BMP DIB header size ${headerSize} (supported: 12, ${INFO_HEADER_SIZES.join(', ')})`);
  }
  const headerEnd = FILE_HEADER + headerSize;
  if (headerEnd > n) throw fail(`truncated BMP: the ${headerSize}-byte DIB header runs past the end of the ${n}-byte file`);

  let width: number;
  let height: number;
  let bpp: number;
  let compression = BI_RGB;
  let colorsUsed = 0;
  let topDown = false;
  if (core) {
    width = view.getUint16(18, true);
    height = view.getUint16(20, true);
    bpp = view.getUint16(24, true);
  } else {
    width = view.getInt32(18, true);
    height = view.getInt32(22, true);
    bpp = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    colorsUsed = view.getUint32(46, true);
    if (height < 0) {
      topDown = true;
      height = -height;
    }
  }
  checkDecodeSize(width, height, source, 'BMP');

  if (compression === BI_RLE8 || compression === BI_RLE4) {
    throw fail(`RLE-compressed BMP (${compression === BI_RLE8 ? 'BI_RLE8' : 'BI_RLE4'}) is not supported; save it uncompressed`);
  }
  if (compression === BI_JPEG || compression === BI_PNG) {
    throw fail(`BMP with an embedded ${compression === BI_JPEG ? 'JPEG' : 'PNG'} payload is not supported`);
  }
  const bitfields = compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS;
  if (compression !== BI_RGB && !bitfields) throw fail(`unsupported BMP compression type ${compression}`);
  const allowed = core ? [1, 4, 8, 24] : bitfields ? [16, 32] : [1, 4, 8, 16, 24, 32];
  if (!allowed.includes(bpp)) {
    throw fail(`unsupported BMP bit depth ${bpp}${bitfields ? ' for BI_BITFIELDS' : ''} (supported: ${allowed.join(', ')})`);
  }

  // Masks: in the header for V2+ (RGB at 40, A at 52 from V3), else right after a 40-byte header.
  let masks: [number, number, number, number] = bpp === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0xff0000, 0xff00, 0xff, 0];
  let tablesEnd = headerEnd;
  if (bitfields) {
    const hasAlpha = headerSize >= 56 || compression === BI_ALPHABITFIELDS;
    const at = headerSize >= 52 ? FILE_HEADER + 40 : headerEnd;
    const count = hasAlpha ? 4 : 3;
    if (at + 4 * count > n) throw fail('truncated BMP: the BI_BITFIELDS colour masks run past the end of the file');
    if (headerSize < 52) tablesEnd = at + 4 * count;
    masks = [view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 8, true), hasAlpha ? view.getUint32(at + 12, true) : 0];
    for (let c = 0; c < 4; c++) {
      const m = masks[c]!;
      if ((c < 3 && m === 0) || !isContiguous(m) || (bpp === 16 && m > 0xffff)) {
        throw fail(`invalid BI_BITFIELDS ${'RGBA'[c]} mask 0x${m.toString(16)} for ${bpp}-bit pixels`);
      }
    }
  }

  const palette = new Uint8Array(256 * 3);
  let channels: Channels = 3;
  if (bpp <= 8) {
    const entrySize = core ? 3 : 4;
    let entries = colorsUsed === 0 || colorsUsed > 1 << bpp ? 1 << bpp : colorsUsed;
    // Tolerate a palette count that would overlap the pixels (written by some tools): keep what fits.
    if (dataOffset >= tablesEnd) entries = Math.min(entries, Math.floor((dataOffset - tablesEnd) / entrySize));
    if (entries === 0) throw fail(`${bpp}-bit BMP has no colour palette before its pixel data`);
    if (tablesEnd + entries * entrySize > n) throw fail(`truncated BMP: the ${entries}-entry palette runs past the end of the file`);
    let gray = true;
    for (let i = 0; i < entries; i++) {
      const p = tablesEnd + i * entrySize; // stored B, G, R(, reserved)
      const b = bytes[p]!;
      const g = bytes[p + 1]!;
      const r = bytes[p + 2]!;
      palette[3 * i] = r;
      palette[3 * i + 1] = g;
      palette[3 * i + 2] = b;
      if (r !== g || g !== b) gray = false;
    }
    tablesEnd += entries * entrySize;
    channels = gray ? 1 : 3;
  } else if (bpp === 32 && bitfields && masks[3] !== 0) {
    channels = 4;
  }

  if (dataOffset < tablesEnd) throw fail(`BMP pixel data offset ${dataOffset} lies inside the headers (which end at byte ${tablesEnd})`);
  const stride = Math.floor((width * bpp + 31) / 32) * 4;
  const lastRow = Math.ceil((width * bpp) / 8);
  const needed = dataOffset + stride * (height - 1) + lastRow;
  if (needed > n) {
    throw fail(`truncated BMP: ${width}x${height} pixels at ${bpp} bpp need ${needed} bytes, the file has ${n}`);
  }
  return { width, height, topDown, bpp, channels, dataOffset, stride, palette, masks };
}

/** True when the set bits of `m` form one run (0 counts as contiguous). */
function isContiguous(m: number): boolean {
  if (m === 0) return true;
  const shifted = m >>> ctz(m);
  return (shifted & (shifted + 1)) === 0;
}

/** Count of trailing zero bits of a non-zero 32-bit value. */
function ctz(m: number): number {
  return 31 - Math.clz32(m & -m);
}

/** Byte offset in the file of image row `y` (0 = top). */
function rowStart(l: BmpLayout, y: number): number {
  return l.dataOffset + (l.topDown ? y : l.height - 1 - y) * l.stride;
}

function decodePaletted(out: Uint8Array, src: Uint8Array, l: BmpLayout): void {
  const { width, height, bpp, channels, palette } = l;
  const mask = (1 << bpp) - 1;
  let o = 0;
  for (let y = 0; y < height; y++) {
    const s = rowStart(l, y);
    for (let x = 0; x < width; x++) {
      const bit = x * bpp; // the leftmost pixel sits in the high bits of a byte
      const p = ((src[s + (bit >> 3)]! >> (8 - bpp - (bit & 7))) & mask) * 3;
      if (channels === 1) {
        out[o++] = palette[p]!;
      } else {
        out[o++] = palette[p]!;
        out[o++] = palette[p + 1]!;
        out[o++] = palette[p + 2]!;
      }
    }
  }
}

function decode24(out: Uint8Array, src: Uint8Array, l: BmpLayout): void {
  const { width, height } = l;
  let o = 0;
  for (let y = 0; y < height; y++) {
    let s = rowStart(l, y);
    for (let x = 0; x < width; x++, s += 3) {
      out[o++] = src[s + 2]!;
      out[o++] = src[s + 1]!;
      out[o++] = src[s]!;
    }
  }
}

/** 16- and 32-bit pixels: each channel is `(px & mask) >>> shift`, widened/narrowed to 8 bits. */
function decodeMasked(out: Uint8Array, src: Uint8Array, l: BmpLayout): void {
  const { width, height, channels, bpp, masks } = l;
  const bytesPerPx = bpp >> 3;
  const [mr, mg, mb, ma] = masks;
  const sr = ctz(mr);
  const sg = ctz(mg);
  const sb = ctz(mb);
  const sa = ma === 0 ? 0 : ctz(ma);
  // widen > 0: shift left by it; < 0: shift right by -widen
  const wr = 8 - popcount(mr);
  const wg = 8 - popcount(mg);
  const wb = 8 - popcount(mb);
  const wa = 8 - popcount(ma);
  let o = 0;
  for (let y = 0; y < height; y++) {
    let s = rowStart(l, y);
    for (let x = 0; x < width; x++, s += bytesPerPx) {
      const px = bytesPerPx === 2 ? src[s]! | (src[s + 1]! << 8) : src[s]! | (src[s + 1]! << 8) | (src[s + 2]! << 16) | (src[s + 3]! << 24);
      out[o++] = to8((px & mr) >>> sr, wr);
      out[o++] = to8((px & mg) >>> sg, wg);
      out[o++] = to8((px & mb) >>> sb, wb);
      if (channels === 4) out[o++] = to8((px & ma) >>> sa, wa);
    }
  }
}

function to8(v: number, widen: number): number {
  return widen >= 0 ? v << widen : v >>> -widen;
}

function popcount(m: number): number {
  let c = 0;
  for (let v = m >>> 0; v !== 0; v >>>= 1) c += v & 1;
  return c;
}

/**
 * Encodes an {@link Image} as an uncompressed bottom-up BMP: 8-bit gray palette (1 channel),
 * 24-bit BGR (3 channels) or 32-bit BGRA with a BITMAPV4HEADER and alpha mask (2 or 4 channels;
 * gray+alpha is expanded to RGBA).
 * @throws ShapeError when `image` is malformed or too large for the 32-bit BMP size fields.
 */
export function encodeBmp(image: Image): Uint8Array {
  assertImage(image, 'encodeBmp');
  const { width, height, channels, data } = image;
  const bpp = channels === 1 ? 8 : channels === 3 ? 24 : 32;
  const headerSize = bpp === 32 ? 108 : 40;
  const paletteSize = bpp === 8 ? 256 * 4 : 0;
  const dataOffset = FILE_HEADER + headerSize + paletteSize;
  const stride = Math.floor((width * bpp + 31) / 32) * 4;
  const fileSize = dataOffset + stride * height;
  if (fileSize > 0xffffffff) throw new ShapeError(`encodeBmp: a ${width}x${height} image is too large for BMP (${fileSize} bytes)`);

  const out = new Uint8Array(fileSize);
  const view = new DataView(out.buffer);
  out[0] = 0x42; // 'B'
  out[1] = 0x4d; // 'M'
  view.setUint32(2, fileSize, true);
  view.setUint32(10, dataOffset, true);
  view.setUint32(14, headerSize, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true); // positive: bottom-up
  view.setUint16(26, 1, true); // planes
  view.setUint16(28, bpp, true);
  view.setUint32(30, bpp === 32 ? BI_BITFIELDS : BI_RGB, true);
  // Like cv2.imwrite, BI_RGB files leave biSizeImage and biClrUsed (0 = 2^bpp) at 0, so gray and RGB
  // output is byte-identical to OpenCV's.
  if (bpp === 32) {
    view.setUint32(34, stride * height, true);
    view.setUint32(54, 0x00ff0000, true);
    view.setUint32(58, 0x0000ff00, true);
    view.setUint32(62, 0x000000ff, true);
    view.setUint32(66, 0xff000000, true);
    view.setUint32(70, 0x73524742, true); // LCS_sRGB ('sRGB')
  }
  if (bpp === 8) {
    for (let i = 0; i < 256; i++) {
      const p = FILE_HEADER + headerSize + 4 * i;
      out[p] = out[p + 1] = out[p + 2] = i;
    }
  }

  for (let y = 0; y < height; y++) {
    const o = dataOffset + (height - 1 - y) * stride;
    const row = data.subarray(y * width * channels, (y + 1) * width * channels);
    if (channels === 1) out.set(row, o);
    else if (channels === 3) writeBgr(out, o, row, width);
    else writeBgra(out, o, row, width, channels);
  }
  return out;
}

/** RGB row -> BGR bytes at `o`. */
function writeBgr(out: Uint8Array, o: number, row: Uint8Array, width: number): void {
  for (let x = 0, s = 0; x < width; x++, s += 3, o += 3) {
    out[o] = row[s + 2]!;
    out[o + 1] = row[s + 1]!;
    out[o + 2] = row[s]!;
  }
}

/** RGBA (or gray+alpha, expanded) row -> BGRA bytes at `o`. */
function writeBgra(out: Uint8Array, o: number, row: Uint8Array, width: number, channels: 2 | 4): void {
  for (let x = 0, s = 0; x < width; x++, s += channels, o += 4) {
    if (channels === 2) {
      out[o] = out[o + 1] = out[o + 2] = row[s]!;
      out[o + 3] = row[s + 1]!;
    } else {
      out[o] = row[s + 2]!;
      out[o + 1] = row[s + 1]!;
      out[o + 2] = row[s]!;
      out[o + 3] = row[s + 3]!;
    }
  }
}
