/**
 * Structural similarity (SSIM, Wang et al. 2004), two ways:
 *
 * - {@link ssim}: scikit-image 0.19 `structural_similarity` with its defaults and options.
 * - {@link ssimWang}: Wang's reference MATLAB `ssim_index.m`, the SSIM of the SRCNN paper.
 *
 * Both share one kernel: the five local moments E[x], E[y], E[x²], E[y²], E[xy] of a separable
 * window, evaluated row by row. The uniform window uses running sums (O(1) per pixel whatever its
 * size), the Gaussian window symmetric taps; everything is accumulated in float64, and all channels
 * of an interleaved image are filtered together. Per pixel, with f the window filter:
 *
 *   ux = f(x), uy = f(y), vx = cn·(f(x²) - ux²), vy = cn·(f(y²) - uy²), vxy = cn·(f(xy) - ux·uy)
 *   S  = ((2·ux·uy + C1)(2·vxy + C2)) / ((ux² + uy² + C1)(vx + vy + C2)),  C1 = (K1·R)², C2 = (K2·R)²
 *
 * and the score is the mean of S over a cropped region, per channel, then the mean over channels.
 * @see https://github.com/scikit-image/scikit-image/blob/v0.19.3/skimage/metrics/_structural_similarity.py
 * @see https://ece.uwaterloo.ca/~z70wang/research/ssim/ssim_index.m
 */
import { ShapeError, ValueError } from '../errors.js';
import type { Plane } from '../image/image.js';
import { checkOptionKeys } from '../util/options.js';
import { checkDataRange, checkPair, dtypeRange, type MetricInput } from './input.js';

type Samples = Uint8Array | Float32Array | Float64Array;

/** Options of {@link ssim}; names follow scikit-image 0.19 `structural_similarity`. */
export interface SsimOptions {
  /**
   * Side of the square window; must be odd and ≤ the image's height and width. Also sets the border
   * crop `(winSize - 1) / 2` and, with sample covariance, `cn = winSize² / (winSize² - 1)`. With
   * `gaussianWeights` the filter itself always has `2·⌊3.5·sigma + 0.5⌋ + 1` taps whatever winSize is
   * (skimage behaves the same).
   * @defaultValue 7, or `2·⌊3.5·sigma + 0.5⌋ + 1` (11 for sigma 1.5) with `gaussianWeights`
   */
  winSize?: number;
  /**
   * Weight the window with a normalised Gaussian (scipy `gaussian_filter`, `truncate = 3.5`,
   * border mode 'reflect') instead of the uniform box (scipy `uniform_filter`, 'reflect').
   * Note: like skimage, this alone keeps the sample covariance; Wang's definition also needs
   * `useSampleCovariance: false` (or use {@link ssimWang}).
   * @defaultValue false
   */
  gaussianWeights?: boolean;
  /** Standard deviation of the Gaussian window, ≥ 0. @defaultValue 1.5 */
  sigma?: number;
  /** Luminance constant, ≥ 0. @defaultValue 0.01 */
  K1?: number;
  /** Contrast constant, ≥ 0. @defaultValue 0.03 */
  K2?: number;
  /**
   * Data range R of the input. skimage derives it from the first input's dtype as `dmax - dmin`:
   * @defaultValue 255 for an {@link Image} (uint8), **2 for a Plane** (float range (-1, 1)). Pass 255
   * for float data on the 0..255 scale and 1 for data on 0..1.
   */
  dataRange?: number;
  /**
   * Normalise covariances by NP - 1 (sample) instead of NP (population), NP = winSize².
   * @defaultValue true (also with `gaussianWeights`, as in skimage)
   */
  useSampleCovariance?: boolean;
  /** Also return the SSIM map (see {@link SsimFull}). @defaultValue false */
  full?: boolean;
}

/** Options of {@link ssimWang}; the names of `ssim_index(img1, img2, K, window, L)`'s parameters. */
export interface SsimWangOptions {
  /** K(1), ≥ 0. @defaultValue 0.01 */
  K1?: number;
  /** K(2), ≥ 0. @defaultValue 0.03 */
  K2?: number;
  /** L, the dynamic range, whatever the input type. @defaultValue 255 */
  dataRange?: number;
  /** Also return the SSIM map (see {@link SsimFull}). @defaultValue false */
  full?: boolean;
}

/** Result of `full: true`: the mean SSIM and the SSIM map. */
export interface SsimFull {
  /** The score (what the call returns without `full`). */
  mssim: number;
  /**
   * S per pixel and channel, interleaved like the input. {@link ssim}: same size as the input
   * (borders filtered with 'reflect', as skimage's `S`; the score averages only the cropped centre).
   * {@link ssimWang}: the 'valid' map, (H - 10) x (W - 10).
   */
  map: Plane<Float64Array>;
}

const SSIM_KEYS = ['winSize', 'gaussianWeights', 'sigma', 'K1', 'K2', 'dataRange', 'useSampleCovariance', 'full'] as const;
const WANG_KEYS = ['K1', 'K2', 'dataRange', 'full'] as const;

/** scikit-image's `truncate` for the Gaussian window (gives 11 taps for sigma 1.5). */
const GAUSS_TRUNCATE = 3.5;

/**
 * Mean structural similarity, exactly as scikit-image 0.19
 * `structural_similarity(a, b, channel_axis=-1 if C > 1 else None, ...)`.
 *
 * - A multi-channel input (an Image or Plane with C > 1) is scored per channel, and the result is
 *   the plain mean of the C scores (skimage's `channel_axis=-1`; `multichannel=True` in the Keras
 *   tutorial). Channel order does not matter.
 * - The mean of S skips `(winSize - 1) / 2` pixels on every side. With default windows every
 *   averaged window lies inside the image, so border handling only shows in the full map, or when a
 *   Gaussian filter is wider than `winSize` (scipy 'reflect': `d c b a | a b c d | d c b a`).
 * - Inputs are processed in float64 (skimage keeps float32 inputs in float32).
 *
 * @example ssim(img1, img2) // skimage default: 7x7 uniform, sample covariance, R = 255 for Images
 * @throws ShapeError when the shapes differ or an image side is smaller than `winSize`;
 * ValueError for an even or non-positive `winSize`, `winSize` 1 with sample covariance (skimage:
 * ZeroDivisionError), negative `K1`/`K2`/`sigma`, a bad `dataRange`, or NaN/Infinity in a Plane;
 * OptionError for an unknown option.
 */
export function ssim(a: MetricInput, b: MetricInput, opts: SsimOptions & { full: true }): SsimFull;
export function ssim(a: MetricInput, b: MetricInput, opts?: SsimOptions & { full?: false }): number;
export function ssim(a: MetricInput, b: MetricInput, opts?: SsimOptions): number | SsimFull;
export function ssim(a: MetricInput, b: MetricInput, opts: SsimOptions = {}): number | SsimFull {
  checkOptionKeys(opts, SSIM_KEYS, 'ssim');
  checkPair(a, b, 'ssim');
  const K1 = nonNegative(opts.K1 ?? 0.01, 'K1', 'ssim');
  const K2 = nonNegative(opts.K2 ?? 0.03, 'K2', 'ssim');
  const sigma = nonNegative(opts.sigma ?? 1.5, 'sigma', 'ssim');
  const gaussian = opts.gaussianWeights ?? false;
  const gaussRadius = Math.trunc(GAUSS_TRUNCATE * sigma + 0.5);
  const winSize = opts.winSize ?? (gaussian ? 2 * gaussRadius + 1 : 7);
  if (!Number.isInteger(winSize) || winSize < 1) {
    throw new ValueError(`ssim: winSize must be a positive odd integer, got ${String(winSize)}`);
  }
  const { width: W, height: H, channels: C } = a;
  if (winSize > H || winSize > W) {
    throw new ShapeError(
      `ssim: winSize ${winSize} exceeds the image extent ${W}x${H} (width x height); images must be at least ` +
        `${winSize}x${winSize}, or pass a smaller odd winSize`,
    );
  }
  if (winSize % 2 !== 1) throw new ValueError(`ssim: winSize must be odd, got ${winSize}`);
  let R: number;
  if (opts.dataRange === undefined) {
    const [dmin, dmax] = dtypeRange(a);
    R = dmax - dmin;
  } else {
    R = checkDataRange(opts.dataRange, 'ssim');
  }
  const NP = winSize * winSize;
  const useSample = opts.useSampleCovariance ?? true;
  if (useSample && NP === 1) {
    throw new ValueError(
      'ssim: winSize 1 with useSampleCovariance divides by NP - 1 = 0 (skimage: ZeroDivisionError); ' +
        'pass useSampleCovariance: false or a larger winSize',
    );
  }
  const pad = (winSize - 1) / 2;
  const full = opts.full ?? false;
  const g: SsimGeometry = {
    width: W, height: H, channels: C,
    taps: gaussian ? gaussianTaps(sigma, gaussRadius) : null,
    radius: gaussian ? gaussRadius : pad,
    cn: useSample ? NP / (NP - 1) : 1,
    C1: (K1 * R) ** 2, C2: (K2 * R) ** 2, guardZero: false,
    x0: full ? 0 : pad, x1: full ? W : W - pad, y0: full ? 0 : pad, y1: full ? H : H - pad,
    cx0: pad, cx1: W - pad, cy0: pad, cy1: H - pad,
  };
  return finish(g, a, b, full);
}

/**
 * Wang's reference `ssim_index.m` (2009 release), the SSIM the SRCNN paper reports:
 * `window = fspecial('gaussian', 11, 1.5)` (normalised), `K = [0.01 0.03]`, `L = 255`,
 * moments by `filter2(window, ·, 'valid')` (population covariance), `mssim = mean2(ssim_map)`,
 * and **no downsampling** (unlike the later `ssim.m`). When `C1` or `C2` is 0 it uses the script's
 * guarded formula (S = 1 where both denominators vanish).
 *
 * Relation to {@link ssim}: the 'valid' region is what skimage's 5-pixel crop keeps, so this equals
 * `ssim(a, b, { gaussianWeights: true, useSampleCovariance: false, dataRange: 255 })` (checked to
 * ≤ 1.3e-14 by tools/fixtures/gen_metrics_fixtures.py) except for the zero-constant guard, the L
 * default (255 even for float input) and the size check. Multi-channel inputs are scored per
 * channel and averaged (`ssim_index` itself takes one 2-D channel).
 *
 * @throws ShapeError when the shapes differ or a side is below 11 (`ssim_index` returns -Inf);
 * ValueError for negative K1/K2, a bad dataRange, or NaN/Infinity; OptionError for an unknown option.
 */
export function ssimWang(a: MetricInput, b: MetricInput, opts: SsimWangOptions & { full: true }): SsimFull;
export function ssimWang(a: MetricInput, b: MetricInput, opts?: SsimWangOptions & { full?: false }): number;
export function ssimWang(a: MetricInput, b: MetricInput, opts?: SsimWangOptions): number | SsimFull;
export function ssimWang(a: MetricInput, b: MetricInput, opts: SsimWangOptions = {}): number | SsimFull {
  checkOptionKeys(opts, WANG_KEYS, 'ssimWang');
  checkPair(a, b, 'ssimWang');
  const K1 = nonNegative(opts.K1 ?? 0.01, 'K1', 'ssimWang');
  const K2 = nonNegative(opts.K2 ?? 0.03, 'K2', 'ssimWang');
  const L = opts.dataRange === undefined ? 255 : checkDataRange(opts.dataRange, 'ssimWang');
  const { width: W, height: H, channels: C } = a;
  if (W < 11 || H < 11) {
    throw new ShapeError(`ssimWang: the 11x11 window needs an image of at least 11x11, got ${W}x${H} (width x height)`);
  }
  const C1 = (K1 * L) ** 2;
  const C2 = (K2 * L) ** 2;
  const g: SsimGeometry = {
    width: W, height: H, channels: C, taps: gaussianTaps(1.5, 5), radius: 5, cn: 1, C1, C2,
    guardZero: !(C1 > 0 && C2 > 0),
    x0: 5, x1: W - 5, y0: 5, y1: H - 5, cx0: 5, cx1: W - 5, cy0: 5, cy1: H - 5,
  };
  return finish(g, a, b, opts.full ?? false);
}

/** Runs the kernel and forms the score (and the map when `full`). */
function finish(g: SsimGeometry, a: MetricInput, b: MetricInput, full: boolean): number | SsimFull {
  const C = g.channels;
  const mapW = g.x1 - g.x0;
  const mapH = g.y1 - g.y0;
  const map = full ? new Float64Array(mapW * mapH * C) : null;
  const sums = ssimKernel(new Float64Array(C), map, a.data, b.data, g);
  const count = (g.cx1 - g.cx0) * (g.cy1 - g.cy0);
  let mssim = 0;
  for (let c = 0; c < C; c++) mssim += sums[c]! / count;
  mssim /= C;
  if (!map) return mssim;
  return { mssim, map: { width: mapW, height: mapH, channels: C, data: map } };
}

function nonNegative(v: number, name: string, fn: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new ValueError(`${fn}: ${name} must be a finite number >= 0, got ${String(v)}`);
  }
  return v;
}

/**
 * scipy `_gaussian_kernel1d(sigma, 0, radius)`: `w_i ∝ exp(-0.5/sigma² · i²)`, i = -radius..radius,
 * normalised to sum 1. Radius 0 (sigma 0) is the identity, as scipy skips the filter then.
 */
function gaussianTaps(sigma: number, radius: number): Float64Array {
  const w = new Float64Array(2 * radius + 1);
  if (radius === 0) {
    w[0] = 1;
    return w;
  }
  const k = -0.5 / (sigma * sigma);
  let s = 0;
  for (let i = -radius; i <= radius; i++) s += w[i + radius] = Math.exp(k * (i * i));
  for (let i = 0; i < w.length; i++) w[i]! /= s;
  return w;
}

/** scipy.ndimage mode 'reflect' (half-sample symmetric) for any overhang: `d c b a | a b c d | d c b a`. */
function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
}

/**
 * Everything the kernel needs. All channels are processed together; S is computed for rows
 * [y0, y1) x columns [x0, x1) and summed over [cy0, cy1) x [cx0, cx1) (inside the former).
 */
interface SsimGeometry {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  /** Normalised symmetric taps (length 2·radius + 1), or null for the uniform window of side 2·radius + 1. */
  readonly taps: Float64Array | null;
  readonly radius: number;
  /** Covariance normalisation: NP/(NP-1) (sample) or 1 (population). */
  readonly cn: number;
  readonly C1: number;
  readonly C2: number;
  /** ssim_index.m's guarded formula for C1·C2 = 0. */
  readonly guardZero: boolean;
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
  readonly cx0: number;
  readonly cx1: number;
  readonly cy0: number;
  readonly cy1: number;
}

/** The five vertically filtered moments of one row, with `radius` reflected columns on each side. */
interface RowMoments {
  readonly m1: Float64Array;
  readonly m2: Float64Array;
  readonly m11: Float64Array;
  readonly m22: Float64Array;
  readonly m12: Float64Array;
}

/**
 * Computes S over the region of `g` and adds it into `sums[c]` (per channel, over the summed
 * region); writes S into `map` (region-sized, interleaved) when given. Returns `sums`.
 * `sums` is overwritten (zeroed first); `a`, `b` are read only; nothing aliases.
 */
function ssimKernel(sums: Float64Array, map: Float64Array | null, a: Samples, b: Samples, g: SsimGeometry): Float64Array {
  const W = g.width;
  const H = g.height;
  const C = g.channels;
  const r = g.radius;
  const taps = g.taps;
  const x0 = g.x0;
  const y0 = g.y0;
  const y1 = g.y1;
  const outW = g.x1 - x0;
  const rowLen = W * C;
  const padLen = (W + 2 * r) * C;
  const mom: RowMoments = {
    m1: new Float64Array(padLen), m2: new Float64Array(padLen),
    m11: new Float64Array(padLen), m22: new Float64Array(padLen), m12: new Float64Array(padLen),
  };
  const srow = new Float64Array(outW * C);
  // rowOff[k]: element offset of the (reflected) image row y0 - r - 1 + k.
  const rowOff = new Int32Array(y1 - y0 + 2 * r + 1);
  for (let k = 0; k < rowOff.length; k++) rowOff[k] = reflectIndex(y0 - r - 1 + k, H) * rowLen;
  // padSrc[p]: element offset of the image column behind padded column p (p < r or p >= W + r).
  const padSrc = new Int32Array(W + 2 * r);
  for (let p = 0; p < padSrc.length; p++) padSrc[p] = reflectIndex(p - r, W) * C;
  const sx0 = (g.cx0 - x0) * C;
  const sx1 = (g.cx1 - x0) * C;
  sums.fill(0);
  for (let y = y0; y < y1; y++) {
    const k = y - y0 + 1; // rowOff index of row y - r
    if (taps === null) {
      if (y === y0) boxInit(mom, a, b, rowOff, k, 2 * r + 1, rowLen, r * C);
      else boxSlide(mom, a, b, rowOff[k + 2 * r]!, rowOff[k - 1]!, rowLen, r * C);
    } else {
      gaussVertical(mom, a, b, rowOff, k, taps, rowLen, r * C);
    }
    fillPads(mom, padSrc, r, W, C);
    if (taps === null) boxHorizontal(srow, mom, g, outW);
    else gaussHorizontal(srow, mom, g, outW);
    if (map !== null) map.set(srow, (y - y0) * outW * C);
    if (y >= g.cy0 && y < g.cy1) {
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let i = sx0 + c; i < sx1; i += C) s += srow[i]!;
        sums[c]! += s;
      }
    }
  }
  return sums;
}

/** Sets the vertical box sums to rows rowOff[k .. k+n) (inclusive window of n rows). */
function boxInit(mom: RowMoments, a: Samples, b: Samples, rowOff: Int32Array, k: number, n: number, rowLen: number, base: number): void {
  const { m1, m2, m11, m22, m12 } = mom;
  m1.fill(0); m2.fill(0); m11.fill(0); m22.fill(0); m12.fill(0);
  for (let j = 0; j < n; j++) {
    const o = rowOff[k + j]!;
    for (let i = 0; i < rowLen; i++) {
      const xa = a[o + i]!;
      const xb = b[o + i]!;
      const p = base + i;
      m1[p]! += xa;
      m2[p]! += xb;
      m11[p]! += xa * xa;
      m22[p]! += xb * xb;
      m12[p]! += xa * xb;
    }
  }
}

/** Slides the vertical box sums down one row: adds row offset `inO`, removes row offset `outO`. */
function boxSlide(mom: RowMoments, a: Samples, b: Samples, inO: number, outO: number, rowLen: number, base: number): void {
  const { m1, m2, m11, m22, m12 } = mom;
  for (let i = 0; i < rowLen; i++) {
    const xa = a[inO + i]!;
    const xb = b[inO + i]!;
    const ya = a[outO + i]!;
    const yb = b[outO + i]!;
    const p = base + i;
    m1[p]! += xa - ya;
    m2[p]! += xb - yb;
    m11[p]! += xa * xa - ya * ya;
    m22[p]! += xb * xb - yb * yb;
    m12[p]! += xa * xb - ya * yb;
  }
}

/**
 * Vertical Gaussian moments of one output row from rows rowOff[k .. k + 2r] (centre k + r), summed
 * as scipy's symmetric correlate1d: `w_0·x_0 + Σ_j w_j·(x_j + x_-j)`.
 */
function gaussVertical(mom: RowMoments, a: Samples, b: Samples, rowOff: Int32Array, k: number, taps: Float64Array, rowLen: number, base: number): void {
  const { m1, m2, m11, m22, m12 } = mom;
  const r = (taps.length - 1) >> 1;
  const wc = taps[r]!;
  const oc = rowOff[k + r]!;
  for (let i = 0; i < rowLen; i++) {
    const ca = a[oc + i]!;
    const cb = b[oc + i]!;
    let s1 = wc * ca;
    let s2 = wc * cb;
    let s11 = wc * (ca * ca);
    let s22 = wc * (cb * cb);
    let s12 = wc * (ca * cb);
    for (let j = 1; j <= r; j++) {
      const w = taps[r + j]!;
      const ot = rowOff[k + r - j]! + i;
      const ob = rowOff[k + r + j]! + i;
      const ta = a[ot]!;
      const tb = b[ot]!;
      const ba = a[ob]!;
      const bb = b[ob]!;
      s1 += (ta + ba) * w;
      s2 += (tb + bb) * w;
      s11 += (ta * ta + ba * ba) * w;
      s22 += (tb * tb + bb * bb) * w;
      s12 += (ta * tb + ba * bb) * w;
    }
    const p = base + i;
    m1[p] = s1;
    m2[p] = s2;
    m11[p] = s11;
    m22[p] = s22;
    m12[p] = s12;
  }
}

/** Fills the `r` padded columns on each side of the row moments by reflection. */
function fillPads(mom: RowMoments, padSrc: Int32Array, r: number, W: number, C: number): void {
  const bufs = [mom.m1, mom.m2, mom.m11, mom.m22, mom.m12];
  for (let p = 0; p < r; p++) copyColumn(bufs, p * C, r * C + padSrc[p]!, C);
  for (let p = W + r; p < W + 2 * r; p++) copyColumn(bufs, p * C, r * C + padSrc[p]!, C);
}

function copyColumn(bufs: readonly Float64Array[], dst: number, src: number, C: number): void {
  for (const m of bufs) for (let c = 0; c < C; c++) m[dst + c] = m[src + c]!;
}

/** SSIM of one pixel from its window moments (skimage's operation order). */
function ssimPixel(ux: number, uy: number, uxx: number, uyy: number, uxy: number, g: SsimGeometry): number {
  const cn = g.cn;
  const vx = cn * (uxx - ux * ux);
  const vy = cn * (uyy - uy * uy);
  const vxy = cn * (uxy - ux * uy);
  const A1 = 2 * ux * uy + g.C1;
  const A2 = 2 * vxy + g.C2;
  const B1 = ux * ux + uy * uy + g.C1;
  const B2 = vx + vy + g.C2;
  const D = B1 * B2;
  if (g.guardZero && !(D > 0)) return B1 !== 0 && B2 === 0 ? A1 / B1 : 1;
  return (A1 * A2) / D;
}

/** Horizontal running box sums over the padded row moments; writes S for columns [x0, x0 + outW). */
function boxHorizontal(srow: Float64Array, mom: RowMoments, g: SsimGeometry, outW: number): void {
  const { m1, m2, m11, m22, m12 } = mom;
  const C = g.channels;
  const n = 2 * g.radius + 1;
  const inv = 1 / (n * n);
  for (let c = 0; c < C; c++) {
    let t1 = 0, t2 = 0, t11 = 0, t22 = 0, t12 = 0;
    let p = g.x0 * C + c; // padded column x0 is image column x0 - r, the window's first column
    for (let j = 1; j < n; j++, p += C) {
      t1 += m1[p]!; t2 += m2[p]!; t11 += m11[p]!; t22 += m22[p]!; t12 += m12[p]!;
    }
    let q = g.x0 * C + c;
    for (let x = 0, o = c; x < outW; x++, o += C, p += C, q += C) {
      t1 += m1[p]!; t2 += m2[p]!; t11 += m11[p]!; t22 += m22[p]!; t12 += m12[p]!;
      srow[o] = ssimPixel(t1 * inv, t2 * inv, t11 * inv, t22 * inv, t12 * inv, g);
      t1 -= m1[q]!; t2 -= m2[q]!; t11 -= m11[q]!; t22 -= m22[q]!; t12 -= m12[q]!;
    }
  }
}

/** Horizontal Gaussian taps over the padded row moments; writes S for columns [x0, x0 + outW). */
function gaussHorizontal(srow: Float64Array, mom: RowMoments, g: SsimGeometry, outW: number): void {
  const { m1, m2, m11, m22, m12 } = mom;
  const C = g.channels;
  const taps = g.taps!;
  const r = g.radius;
  const wc = taps[r]!;
  const n = outW * C;
  for (let o = 0, p = (g.x0 + r) * C; o < n; o++, p++) {
    let s1 = wc * m1[p]!;
    let s2 = wc * m2[p]!;
    let s11 = wc * m11[p]!;
    let s22 = wc * m22[p]!;
    let s12 = wc * m12[p]!;
    for (let j = 1, d = C; j <= r; j++, d += C) {
      const w = taps[r + j]!;
      s1 += (m1[p - d]! + m1[p + d]!) * w;
      s2 += (m2[p - d]! + m2[p + d]!) * w;
      s11 += (m11[p - d]! + m11[p + d]!) * w;
      s22 += (m22[p - d]! + m22[p + d]!) * w;
      s12 += (m12[p - d]! + m12[p + d]!) * w;
    }
    srow[o] = ssimPixel(s1, s2, s11, s22, s12, g);
  }
}
