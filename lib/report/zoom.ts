/**
 * Choosing the region a report zooms into: the square window where the reference image has the most
 * fine detail, measured as the mean squared luma gradient (OpenCV Y; gray: the gray value). Texture
 * and thin lines score high everywhere in the window, where a single strong edge (which maximises the
 * plain variance) scores only along itself; fine detail is where bicubic blur and SRCNN's sharpening
 * differ most visibly, as in the tutorial's hand-picked crops.
 */
import { ValueError } from '../errors.js';
import { opencvY } from '../image/color.js';
import type { Image } from '../image/image.js';
import type { Rect } from '../model/tiling.js';

/**
 * The `size` x `size` window of `img` (clamped to the image) with the largest sum of
 * `(Y[r][c+1] - Y[r][c])² + (Y[r+1][c] - Y[r][c])²` over its pixels (differences that would leave the
 * image count as 0), found exactly over every position with a summed-area table (float64, O(W·H)).
 * Ties go to the first window in row-major order.
 * @throws ValueError unless `size` is a positive integer.
 */
export function highestDetailWindow(img: Image, size: number): Rect {
  if (!Number.isSafeInteger(size) || size <= 0) throw new ValueError(`highestDetailWindow: size must be a positive integer, got ${size}`);
  const W = img.width, H = img.height;
  const w = Math.min(size, W), h = Math.min(size, H);
  const y = opencvY(img);
  // Summed-area table with a zero first row and column: S[r * (W + 1) + c] sums rows < r, columns < c.
  const stride = W + 1;
  const s = new Float64Array(stride * (H + 1));
  for (let r = 0; r < H; r++) {
    let row = 0;
    const o = (r + 1) * stride, p = r * stride, q = r * W;
    const last = r === H - 1;
    for (let c = 0; c < W; c++) {
      const v = y[q + c]!;
      const dx = c + 1 < W ? y[q + c + 1]! - v : 0;
      const dy = last ? 0 : y[q + W + c]! - v;
      row += dx * dx + dy * dy;
      s[o + c + 1] = s[p + c + 1]! + row;
    }
  }
  let best = -1, bx = 0, by = 0;
  for (let r = 0; r + h <= H; r++) {
    const top = r * stride, bottom = (r + h) * stride;
    for (let c = 0; c + w <= W; c++) {
      const e = s[bottom + c + w]! - s[bottom + c]! - s[top + c + w]! + s[top + c]!;
      if (e > best) {
        best = e;
        bx = c;
        by = r;
      }
    }
  }
  return { x: bx, y: by, width: w, height: h };
}
