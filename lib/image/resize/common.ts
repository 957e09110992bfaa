/**
 * Geometry and helpers shared by the OpenCV 4.6 `cv2.resize` ports in this folder.
 *
 * Conventions (OpenCV `resize.cpp`, see /work/shared/anchors/conventions.md section 1): data are
 * interleaved row-major `H x W x cn`; `invScale = dw / sw` and `scale = 1 / invScale`, both double.
 * `scale` is deliberately `1/(dw/sw)` and not `sw/dw`: the two can differ in the last bit.
 */

/** The interpolations of `cv2.resize` that srcnn-ts reproduces. */
export type Interpolation = 'nearest' | 'linear' | 'cubic' | 'area';

/** Sizes and scale factors of one resize, computed exactly as `cv::resize` does. */
export interface ResizeGeometry {
  readonly sw: number;
  readonly sh: number;
  readonly dw: number;
  readonly dh: number;
  readonly cn: number;
  /** `dw / sw` (cv2 `inv_scale_x`). */
  readonly invScaleX: number;
  readonly invScaleY: number;
  /** `1 / invScaleX` (cv2 `scale_x`): source pixels per destination pixel. */
  readonly scaleX: number;
  readonly scaleY: number;
  /** `rne(scaleX)`, `rne(scaleY)` (cv2 `iscale_x`, `iscale_y`). */
  readonly iscaleX: number;
  readonly iscaleY: number;
  /** Both scales are integers to within DBL_EPSILON (cv2 `is_area_fast`). */
  readonly integerScale: boolean;
}

/** The geometry of resizing `sw x sh` to `dw x dh` with `cn` interleaved channels. */
export function resizeGeometry(sw: number, sh: number, dw: number, dh: number, cn: number): ResizeGeometry {
  const invScaleX = dw / sw;
  const invScaleY = dh / sh;
  const scaleX = 1 / invScaleX;
  const scaleY = 1 / invScaleY;
  const iscaleX = rne(scaleX);
  const iscaleY = rne(scaleY);
  const integerScale = Math.abs(scaleX - iscaleX) < Number.EPSILON && Math.abs(scaleY - iscaleY) < Number.EPSILON;
  return { sw, sh, dw, dh, cn, invScaleX, invScaleY, scaleX, scaleY, iscaleX, iscaleY, integerScale };
}

/** True when cv2 turns INTER_LINEAR into INTER_AREA's fast path: both scales exactly 2 (a 2x downscale). */
export function isExactHalf(g: ResizeGeometry): boolean {
  return g.integerScale && g.iscaleX === 2 && g.iscaleY === 2;
}

/** Rounds half to even (`cvRound`, `lrint`), for |x| < 2^31. */
export function rne(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/**
 * A clamping byte view of `out`: storing a number rounds half to even and saturates to 0..255, which is
 * cv2's `saturate_cast<uchar>(float)` (and plain saturation for integers).
 */
export function clampedView(out: Uint8Array): Uint8ClampedArray {
  return new Uint8ClampedArray(out.buffer, out.byteOffset, out.length);
}

/**
 * Row cache of the separable resizers: output row `dy` needs the horizontally resized source rows
 * `need[0..K)`; `K` buffers hold the rows `have[0..K)` (-1 = empty). This maps every needed row to a
 * buffer, keeping the rows already computed (source rows are visited in increasing order, as in cv2
 * `resizeGeneric_`), writes the buffer of `need[k]` to `slotOf[k]` and returns a bit mask of the
 * buffers that must now be filled with the row `have[j]`.
 */
export function mapRows(need: Int32Array, have: Int32Array, slotOf: Int32Array): number {
  const K = need.length;
  let keep = 0;
  for (let j = 0; j < K; j++) {
    for (let k = 0; k < K; k++) {
      if (have[j] === need[k]) {
        keep |= 1 << j;
        break;
      }
    }
  }
  let fill = 0;
  for (let k = 0; k < K; k++) {
    const row = need[k]!;
    let s = -1;
    for (let j = 0; j < K; j++) {
      if (have[j] === row && ((keep | fill) >> j) & 1) {
        s = j;
        break;
      }
    }
    if (s < 0) {
      for (let j = 0; j < K; j++) {
        if ((((keep | fill) >> j) & 1) === 0) {
          s = j;
          break;
        }
      }
      have[s] = row;
      fill |= 1 << s;
    }
    slotOf[k] = s;
  }
  return fill;
}
