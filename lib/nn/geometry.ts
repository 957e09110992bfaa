/**
 * Spatial bookkeeping of a chain of stride-1 convolutions, shared by {@link Sequential} and the tiled
 * forward pass (`model/tiling.ts`).
 *
 * Per layer with kernel k (per axis), the before/after split is the one `kernels/conv_info.ts` uses for
 * 'same' padding: `before = (k - 1) >> 1`, `after = k - 1 - before`.
 * - A 'valid' layer loses `before` pixels at the top/left and `after` at the bottom/right: that is its
 *   **margin**. Output pixel p is computed from input pixels p .. p + k - 1.
 * - A 'same' layer pads by `before`/`after` instead; near a border its output depends on the padding
 *   values. The padding's reach, summed over 'same' layers, is the network's **halo**: a crop of the
 *   input whose border is interior to the image gives wrong values within `halo` pixels of that border
 *   (and exact values everywhere else), whatever the padding mode.
 * - margin + halo per side is the **receptive field**: output pixel p depends on input pixels
 *   [p + margin.top - rf.top, p + margin.top + rf.bottom] (in the coordinates of the full input).
 */
import type { LayerSpec } from '../weights/types.js';

/** A per-side pixel count. */
export interface Sides {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** Margin, halo and receptive field of a network, per side (see the module comment). */
export interface NetGeometry {
  margin: Sides;
  halo: Sides;
  receptive: Sides;
}

/** Computes the {@link NetGeometry} of `specs` (layers in forward order). */
export function netGeometry(specs: readonly LayerSpec[]): NetGeometry {
  const margin: Sides = { top: 0, left: 0, bottom: 0, right: 0 };
  const halo: Sides = { top: 0, left: 0, bottom: 0, right: 0 };
  for (const s of specs) {
    const [kh, kw] = s.kernel;
    const t = (kh - 1) >> 1, l = (kw - 1) >> 1;
    const side = s.padding === 'valid' ? margin : halo;
    side.top += t;
    side.bottom += kh - 1 - t;
    side.left += l;
    side.right += kw - 1 - l;
  }
  const receptive: Sides = {
    top: margin.top + halo.top,
    left: margin.left + halo.left,
    bottom: margin.bottom + halo.bottom,
    right: margin.right + halo.right,
  };
  return { margin, halo, receptive };
}
