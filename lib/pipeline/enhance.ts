/**
 * Steps 2 and 3 of the SRCNN pipeline (`pipeline/srcnn.ts`) tile by tile, with memory bounded by the
 * tile size: for each tile of `model/tiling.ts` `planTiles` (output tiles plus the halo the network's
 * receptive field needs), read the tile's input crop from a {@link PixelSource} (for `upscale`, the
 * bicubic pixels computed on demand from the low-resolution image), take its Y (`splitLuma`), run the
 * network on Y/255, and merge the tile's output Y x 255 with the crop's chroma and alpha
 * (`mergeLuma`) straight into the preallocated output image. Only the output image and O(tile)
 * buffers exist; no full-size float plane.
 *
 * Exactness: the network's output on a tile's crop equals the untiled output on the kept pixels
 * (`model/tiling.ts`), and the per-pixel steps (pre-upscale, Y, quantisation, colour recombination)
 * depend only on the pixel's own values, so the result is identical, byte for byte, to running the
 * same steps on whole images (spec/helpers/upscale_reference.ts keeps that path as the oracle).
 *
 * Border pixels of 'valid' networks (`border: 'keep'`) keep the source's Y: tiles that touch the
 * network output's edge also write the margin band beyond it, from their crop (which reaches the
 * image edge there).
 */
import { ShapeError } from '../errors.js';
import { createImage, type Image } from '../image/image.js';
import { forEachTile, maxTileInput, planTiles, type Rect, type TileLoopOptions } from '../model/tiling.js';
import type { Sequential } from '../nn/sequential.js';
import type { ColourConvention } from '../weights/types.js';
import { mergeLuma, splitLuma, type Rounding } from './luma.js';
import type { PixelSource } from './pixel_source.js';

/** What to do with the pixels a 'valid' network cannot compute: keep the source's Y there, or crop them off. */
export type BorderMode = 'keep' | 'crop';

/** Options of {@link enhanceImage} (all validated by the caller). */
export interface EnhanceOptions extends TileLoopOptions {
  /** Y convention of the weights. */
  colour: ColourConvention;
  border: BorderMode;
  rounding: Rounding;
  /** Output tile side in pixels. */
  tileSize: number;
  /** Runs before each tile; throws to stop the run (e.g. when the model was disposed meanwhile). */
  beforeTile?: () => void;
}

/** Copies `img` into `out` with its top-left corner at (x, y). */
function paste(out: Image, img: Image, x: number, y: number): void {
  const cn = out.channels, rowLen = img.width * cn;
  for (let r = 0; r < img.height; r++) {
    const s = r * rowLen;
    out.data.set(img.data.subarray(s, s + rowLen), ((y + r) * out.width + x) * cn);
  }
}

/**
 * Enhances `source` with the 1-channel network `net` (see the module comment). The output has the
 * source's size and channels (`border: 'keep'`) or the network output's size (`'crop'`).
 * @throws ShapeError when the network is not 1-channel in and out or the image is too small for it.
 * @throws AbortError when `signal` is aborted; whatever `beforeTile` throws.
 */
export async function enhanceImage(net: Sequential, source: PixelSource, opts: EnhanceOptions): Promise<Image> {
  if (net.inChannels !== 1 || net.outChannels !== 1) {
    throw new ShapeError(`SRCNN runs a 1-channel (Y) network; this one maps ${net.inChannels} to ${net.outChannels} channels`);
  }
  const W = source.width, H = source.height, cn = source.channels;
  const m = net.margin();
  const tiles = planTiles(W, H, { margin: m, halo: net.halo() }, opts.tileSize);
  const [netH, netW] = net.outputSize(H, W);
  const keep = opts.border === 'keep';
  const out = createImage(keep ? W : netW, keep ? H : netH, cn);
  const maxIn = maxTileInput(tiles);
  const block = new Uint8Array(maxIn * cn);
  const x = new Float32Array(maxIn);
  // The largest write region: a tile's output plus, at the edges, the margin band.
  const yNew = new Float64Array((opts.tileSize + m.left + m.right) * (opts.tileSize + m.top + m.bottom));
  const { colour, rounding } = opts;
  await forEachTile(tiles, (t) => {
    opts.beforeTile?.();
    const s = t.src, d = t.dst;
    const split = splitLuma(source.read(block, s), colour);
    const y = split.y.data;
    const xs = x.subarray(0, s.width * s.height);
    for (let i = 0; i < xs.length; i++) xs[i] = y[i]! / 255;
    const res = net.forward(xs, 1, s.height, s.width);
    // The region written, in source coordinates: [x0, x1) x [y0, y1).
    const x0 = keep && d.x === 0 ? 0 : d.x + m.left;
    const y0 = keep && d.y === 0 ? 0 : d.y + m.top;
    const x1 = keep && d.x + d.width === netW ? W : d.x + d.width + m.left;
    const y1 = keep && d.y + d.height === netH ? H : d.y + d.height + m.top;
    const rw = x1 - x0, rh = y1 - y0;
    const v = yNew.subarray(0, rw * rh);
    const ry = res.data, resW = res.w;
    // Columns [cx0, cx1) of the region are network output; the rest (the margin band) keep the crop's Y.
    const cx0 = Math.max(x0, m.left), cx1 = Math.min(x1, m.left + netW);
    for (let r = 0, o = 0; r < rh; r++) {
      const Y = y0 + r;
      const yb = (Y - s.y) * s.width - s.x; // crop pixel X of row Y
      if (Y < m.top || Y >= m.top + netH) {
        for (let X = x0; X < x1; X++) v[o++] = y[yb + X]!;
        continue;
      }
      // Network output pixel (X - m.left, Y - m.top) is pixel (X - m.left - s.x, Y - m.top - s.y) of the crop's output.
      const yo = (Y - m.top - s.y) * resW - m.left - s.x;
      for (let X = x0; X < cx0; X++) v[o++] = y[yb + X]!;
      for (let X = cx0; X < cx1; X++) v[o++] = ry[yo + X]! * 255;
      for (let X = cx1; X < x1; X++) v[o++] = y[yb + X]!;
    }
    const region: Rect = { x: x0 - s.x, y: y0 - s.y, width: rw, height: rh };
    paste(out, mergeLuma(split, v, region, rounding), keep ? x0 : x0 - m.left, keep ? y0 : y0 - m.top);
  }, opts);
  return out;
}
