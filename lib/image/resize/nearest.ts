/**
 * `cv2.resize(..., INTER_NEAREST)` (OpenCV 4.6 `resizeNN`), for any element type:
 * `sx = min(floor(dx * scaleX), sw - 1)` and `sy = min(floor(dy * scaleY), sh - 1)` in double.
 * This is *not* the pixel-centre mapping (cv2's INTER_NEAREST_EXACT is).
 */
import type { ResizeGeometry } from './common.js';

/**
 * Nearest-neighbour resize of `src` (`sw x sh x cn`) into `out` (`dw x dh x cn`); returns `out`.
 * @param out - must not alias `src`.
 */
export function resizeNearest<T extends Uint8Array | Float32Array>(out: T, src: T, g: ResizeGeometry): T {
  const { sw, sh, dw, dh, cn, scaleX, scaleY } = g;
  const xofs = new Int32Array(dw);
  for (let dx = 0; dx < dw; dx++) xofs[dx] = Math.min(Math.floor(dx * scaleX), sw - 1) * cn;
  const rowOut = dw * cn;
  for (let dy = 0; dy < dh; dy++) {
    const so = Math.min(Math.floor(dy * scaleY), sh - 1) * sw * cn;
    let o = dy * rowOut;
    if (cn === 1) {
      for (let dx = 0; dx < dw; dx++) out[o++] = src[so + xofs[dx]!]!;
    } else if (cn === 3) {
      for (let dx = 0; dx < dw; dx++, o += 3) {
        const s = so + xofs[dx]!;
        out[o] = src[s]!;
        out[o + 1] = src[s + 1]!;
        out[o + 2] = src[s + 2]!;
      }
    } else {
      for (let dx = 0; dx < dw; dx++) {
        const s = so + xofs[dx]!;
        for (let c = 0; c < cn; c++) out[o++] = src[s + c]!;
      }
    }
  }
  return out;
}
