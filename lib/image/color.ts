/**
 * Colour conversions, in two conventions that must never stand in for each other:
 *
 * - **OpenCV YCrCb** (`cv2.cvtColor(.., COLOR_RGB2YCrCb)`, full-range JPEG-style, channel order Y, Cr, Cb):
 *   used by the Keras SRCNN tutorial. uint8 is OpenCV 4.6's 14-bit fixed point, bit-exact on all 2^24
 *   colours (conventions.md section 2), with `D(x) = (x + 8192) >> 14`:
 *   `Y = D(4899 R + 9617 G + 1868 B)`, `Cr = sat(D((R - Y) 11682 + 128·2^14))`,
 *   `Cb = sat(D((B - Y) 9241 + 128·2^14))` (Cr/Cb use the *rounded* Y); inverse with `Cr' = Cr - 128`,
 *   `Cb' = Cb - 128`: `R = sat(Y + D(22987 Cr'))`, `G = sat(Y + D(-11698 Cr' - 5636 Cb'))`,
 *   `B = sat(Y + D(29049 Cb'))`. Round trip RGB -> YCrCb -> RGB is off by at most 1 per channel.
 * - **MATLAB rgb2ycbcr** (ITU-R BT.601 studio range, Y in [16, 235], channel order Y, Cb, Cr): used by the
 *   SRCNN authors' code and by the paper's PSNR on Y. On the 0..255 scale, float64:
 *   `Y = 16 + (65.481 R + 128.553 G + 24.966 B)/255`, `Cb = 128 + (-37.797 R - 74.203 G + 112 B)/255`,
 *   `Cr = 128 + (112 R - 93.786 G - 18.214 B)/255`. MATLAB's uint8 result is `floor(clamp(x, 0, 255) + 0.5)`.
 *
 * Images are RGB(A) (srcnn-ts never stores BGR): cv2 `COLOR_BGR2YCrCb` on a BGR array equals
 * {@link rgbToYCrCb} on the same pixels in RGB order.
 */
import { ShapeError } from '../errors.js';
import { assertFinite, type Image, type Plane } from './image.js';

const f32 = Math.fround;

function needChannels(img: Image | Plane, allowed: readonly number[], what: string): void {
  if (!allowed.includes(img.channels)) {
    throw new ShapeError(`${what}: expected ${allowed.join(' or ')} channels, got ${img.channels}`);
  }
  if (img.data.length !== img.width * img.height * img.channels) {
    throw new ShapeError(`${what}: a ${img.width}x${img.height}x${img.channels} image needs ${img.width * img.height * img.channels} values, got ${img.data.length}`);
  }
}

/** Clamps an integer to 0..255 (OpenCV `saturate_cast<uchar>`). */
function sat8(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

// Per-pixel forms of the conversions below (the whole-image functions use them too, so there is one
// formula for each): pipeline/luma.ts converts a tile's pixels with them without whole-image planes.

/** OpenCV YCrCb Y of one uint8 RGB pixel (14-bit fixed point). */
export function opencvYOf(r: number, g: number, b: number): number {
  return (4899 * r + 9617 * g + 1868 * b + 8192) >> 14;
}

/** OpenCV Cr of one pixel from its R and its *rounded* Y ({@link opencvYOf}). */
export function opencvCrOf(r: number, y: number): number {
  return sat8(((r - y) * 11682 + 2105344) >> 14); // 2105344 = (128 << 14) + 8192
}

/** OpenCV Cb of one pixel from its B and its rounded Y. */
export function opencvCbOf(b: number, y: number): number {
  return sat8(((b - y) * 9241 + 2105344) >> 14);
}

/** OpenCV YCrCb -> R of one uint8 pixel. */
export function opencvROf(y: number, cr: number): number {
  return sat8(y + ((22987 * (cr - 128) + 8192) >> 14));
}

/** OpenCV YCrCb -> G of one uint8 pixel. */
export function opencvGOf(y: number, cr: number, cb: number): number {
  return sat8(y + ((-11698 * (cr - 128) - 5636 * (cb - 128) + 8192) >> 14));
}

/** OpenCV YCrCb -> B of one uint8 pixel. */
export function opencvBOf(y: number, cb: number): number {
  return sat8(y + ((29049 * (cb - 128) + 8192) >> 14));
}

/** MATLAB `rgb2ycbcr` Y of one pixel, float64 on the 0..255 scale. */
export function matlabYOf(r: number, g: number, b: number): number {
  return 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255;
}

/** MATLAB `rgb2ycbcr` Cb of one pixel. */
export function matlabCbOf(r: number, g: number, b: number): number {
  return 128 + (-37.797 * r - 74.203 * g + 112 * b) / 255;
}

/** MATLAB `rgb2ycbcr` Cr of one pixel. */
export function matlabCrOf(r: number, g: number, b: number): number {
  return 128 + (112 * r - 93.786 * g - 18.214 * b) / 255;
}

/**
 * `cv2.cvtColor(img, COLOR_RGB2YCrCb)` on uint8, bit-exact. Input RGB or RGBA (alpha dropped);
 * output 3 channels Y, Cr, Cb.
 * @throws ShapeError for 1- or 2-channel input.
 */
export function rgbToYCrCb(img: Image): Image {
  needChannels(img, [3, 4], 'rgbToYCrCb');
  const n = img.width * img.height;
  const cn = img.channels;
  const s = img.data;
  const out = new Uint8Array(3 * n);
  for (let i = 0, p = 0, o = 0; i < n; i++, p += cn, o += 3) {
    const r = s[p]!;
    const b = s[p + 2]!;
    const y = opencvYOf(r, s[p + 1]!, b);
    out[o] = y;
    out[o + 1] = opencvCrOf(r, y);
    out[o + 2] = opencvCbOf(b, y);
  }
  return { width: img.width, height: img.height, channels: 3, data: out };
}

/**
 * `cv2.cvtColor(img, COLOR_YCrCb2RGB)` on uint8, bit-exact. Input 3 channels Y, Cr, Cb; output RGB.
 * @throws ShapeError unless the input has 3 channels.
 */
export function yCrCbToRgb(img: Image): Image {
  needChannels(img, [3], 'yCrCbToRgb');
  const n = img.width * img.height;
  const s = img.data;
  const out = new Uint8Array(3 * n);
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const y = s[p]!;
    const cr = s[p + 1]!;
    const cb = s[p + 2]!;
    out[p] = opencvROf(y, cr);
    out[p + 1] = opencvGOf(y, cr, cb);
    out[p + 2] = opencvBOf(y, cb);
  }
  return { width: img.width, height: img.height, channels: 3, data: out };
}

// cv2 float coefficients (float32 literals R2YF .. CB2BF of color.hpp).
const R2YF = f32(0.299);
const G2YF = f32(0.587);
const B2YF = f32(0.114);
const YCRF = f32(0.713);
const YCBF = f32(0.564);
const CR2RF = f32(1.403);
const CR2GF = f32(-0.714);
const CB2GF = f32(-0.344);
const CB2BF = f32(1.773);

/** float32 fused multiply-add `f32(a*b + c)`: the product of two floats is exact in double. */
function fma32(a: number, b: number, c: number): number {
  return f32(a * b + c);
}

/**
 * `cv2.cvtColor(p, COLOR_RGB2YCrCb)` on float32 (0..1 scale, delta 0.5, no clamping): the formulas of
 * cv2's vector path (AVX2 dispatch, fused multiply-add): `Y = fma(R, .299, fma(G, .587, B*.114))`,
 * `Cr = fma(R - Y, .713, .5)`, `Cb = fma(B - Y, .564, .5)`, coefficients in float32. Within 1 float32
 * ulp of cv2 (its scalar tail rounds without FMA). Input RGB or RGBA (alpha dropped).
 * @throws ShapeError for 1- or 2-channel input.
 */
export function rgbToYCrCbFloat(p: Plane): Plane<Float32Array> {
  needChannels(p, [3, 4], 'rgbToYCrCbFloat');
  const n = p.width * p.height;
  const cn = p.channels;
  const s = p.data;
  const out = new Float32Array(3 * n);
  for (let i = 0, q = 0, o = 0; i < n; i++, q += cn, o += 3) {
    const r = f32(s[q]!);
    const g = f32(s[q + 1]!);
    const b = f32(s[q + 2]!);
    const y = fma32(r, R2YF, fma32(g, G2YF, f32(b * B2YF)));
    out[o] = y;
    out[o + 1] = fma32(f32(r - y), YCRF, 0.5);
    out[o + 2] = fma32(f32(b - y), YCBF, 0.5);
  }
  return { width: p.width, height: p.height, channels: 3, data: out };
}

/**
 * `cv2.cvtColor(p, COLOR_YCrCb2RGB)` on float32 (0..1 scale, no clamping), cv2's vector-path formulas:
 * `R = fma(Cr', 1.403, Y)`, `G = fma(Cr', -.714, fma(Cb', -.344, Y))`, `B = fma(Cb', 1.773, Y)` with
 * `Cr' = Cr - .5`, `Cb' = Cb - .5`. Input 3 channels Y, Cr, Cb; output RGB.
 * @throws ShapeError unless the input has 3 channels.
 */
export function yCrCbToRgbFloat(p: Plane): Plane<Float32Array> {
  needChannels(p, [3], 'yCrCbToRgbFloat');
  const n = p.width * p.height;
  const s = p.data;
  const out = new Float32Array(3 * n);
  for (let i = 0, q = 0; i < n; i++, q += 3) {
    const y = f32(s[q]!);
    const cr = f32(f32(s[q + 1]!) - 0.5);
    const cb = f32(f32(s[q + 2]!) - 0.5);
    out[q] = fma32(cr, CR2RF, y);
    out[q + 1] = fma32(cr, CR2GF, fma32(cb, CB2GF, y));
    out[q + 2] = fma32(cb, CB2BF, y);
  }
  return { width: p.width, height: p.height, channels: 3, data: out };
}

/**
 * The OpenCV YCrCb Y plane (the tutorial's luma), one byte per pixel: Y of {@link rgbToYCrCb} for RGB and
 * RGBA (alpha ignored); gray and gray+alpha images give their gray value.
 */
export function opencvY(img: Image): Uint8Array {
  needChannels(img, [1, 2, 3, 4], 'opencvY');
  const n = img.width * img.height;
  const cn = img.channels;
  const s = img.data;
  const out = new Uint8Array(n);
  if (cn <= 2) {
    for (let i = 0; i < n; i++) out[i] = s[i * cn]!;
  } else {
    for (let i = 0, p = 0; i < n; i++, p += cn) out[i] = opencvYOf(s[p]!, s[p + 1]!, s[p + 2]!);
  }
  return out;
}

/**
 * MATLAB `rgb2ycbcr` on the 0..255 scale, float64, channels Y, Cb, Cr (formulas in the module header).
 * Input RGB or RGBA (alpha ignored).
 * @throws ShapeError for 1- or 2-channel input (MATLAB's rgb2ycbcr needs three channels).
 */
export function rgbToYCbCrMatlab(img: Image): Plane<Float64Array> {
  needChannels(img, [3, 4], 'rgbToYCbCrMatlab');
  const n = img.width * img.height;
  const cn = img.channels;
  const s = img.data;
  const out = new Float64Array(3 * n);
  for (let i = 0, p = 0, o = 0; i < n; i++, p += cn, o += 3) {
    const r = s[p]!;
    const g = s[p + 1]!;
    const b = s[p + 2]!;
    out[o] = matlabYOf(r, g, b);
    out[o + 1] = matlabCbOf(r, g, b);
    out[o + 2] = matlabCrOf(r, g, b);
  }
  return { width: img.width, height: img.height, channels: 3, data: out };
}

/**
 * The MATLAB luma plane, float64 on the 0..255 scale: `Y = 16 + (65.481 R + 128.553 G + 24.966 B)/255`,
 * in [16, 235] for RGB(A) input (alpha ignored). Gray and gray+alpha images pass their gray value
 * through as Y, as the SRCNN authors' code does (`if size(im,3) > 1, im = rgb2ycbcr(im)`).
 */
export function matlabY(img: Image): Plane<Float64Array> {
  needChannels(img, [1, 2, 3, 4], 'matlabY');
  const n = img.width * img.height;
  const cn = img.channels;
  const s = img.data;
  const out = new Float64Array(n);
  if (cn <= 2) {
    for (let i = 0; i < n; i++) out[i] = s[i * cn]!;
  } else {
    for (let i = 0, p = 0; i < n; i++, p += cn) out[i] = matlabYOf(s[p]!, s[p + 1]!, s[p + 2]!);
  }
  return { width: img.width, height: img.height, channels: 1, data: out };
}

/**
 * MATLAB's uint8 `rgb2ycbcr` Y: `floor(clamp(Y, 0, 255) + 0.5)` of {@link matlabY} (round half away
 * from zero); gray passes through. 194 of the 2^24 colours are exact .5 ties in real arithmetic; for
 * them the result follows the float64 evaluation of the formula above, and MATLAB's own evaluation
 * order may differ on some of them.
 */
export function matlabYU8(img: Image): Uint8Array {
  const y = matlabY(img).data;
  const out = new Uint8Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = Math.floor(y[i]! + 0.5); // Y is in [16, 235]: no clamping needed
  return out;
}

// MATLAB ycbcr2rgb, uint8 path: T' = 255 * inv(T) and offset' = T' * [16; 128; 128], where T is the
// rgb2ycbcr matrix. The values are LAPACK's inverse (numpy.linalg.inv, as MATLAB's T^-1), recorded by
// tools/fixtures/gen_resize_fixtures.py.
const TI = [
  1.1643835616438358, 3.0112439739260676e-7, 1.596026887335704,
  1.1643835616438358, -0.39176253994145005, -0.8129682921622053,
  1.1643835616438358, 2.0172326395564593, 3.0542617453304942e-6,
] as const;
const TI_OFF = [222.92161710919436, -135.5754095229665, 276.83630579503154] as const;

/**
 * MATLAB `ycbcr2rgb` of one pixel, channel `c` (0 R, 1 G, 2 B), uint8: `T'[c] . [Y Cb Cr] - offset'[c]`
 * left to right as `imlincomb`, then `floor(clamp(x, 0, 255) + 0.5)`.
 */
export function matlabRgbOf(c: number, y: number, cb: number, cr: number): number {
  const v = TI[3 * c]! * y + TI[3 * c + 1]! * cb + TI[3 * c + 2]! * cr - TI_OFF[c]!;
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5);
}

/**
 * MATLAB `ycbcr2rgb` from a float Y, Cb, Cr plane on the 0..255 scale (e.g. {@link rgbToYCbCrMatlab}
 * with a super-resolved Y put back) to uint8 RGB: `rgb = T' [Y Cb Cr] - offset'` evaluated left to
 * right as `imlincomb` does, then `floor(clamp(x, 0, 255) + 0.5)`.
 * @throws ShapeError unless the plane has 3 channels; ValueError for NaN or infinite values.
 */
export function ycbcrToRgbMatlab(p: Plane): Image {
  needChannels(p, [3], 'ycbcrToRgbMatlab');
  assertFinite(p, 'ycbcrToRgbMatlab');
  const n = p.width * p.height;
  const s = p.data;
  const out = new Uint8Array(3 * n);
  for (let i = 0, q = 0; i < n; i++, q += 3) {
    const y = s[q]!;
    const cb = s[q + 1]!;
    const cr = s[q + 2]!;
    for (let c = 0; c < 3; c++) out[q + c] = matlabRgbOf(c, y, cb, cr);
  }
  return { width: p.width, height: p.height, channels: 3, data: out };
}
