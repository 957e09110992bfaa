/**
 * Steps 2 and 3 of the SRCNN pipeline (`pipeline/srcnn.ts`) tile by tile, with memory bounded by the
 * tile size: for each tile of `model/tiling.ts` `planTiles` (output tiles plus the halo the network's
 * receptive field needs), read the tile's input crop from a {@link PixelSource} (for `upscale`, the
 * bicubic pixels computed on demand from the low-resolution image), take its Y (`lumaInto`), run the
 * network on Y/255, and merge the tile's output Y x 255 with the crop's chroma and alpha
 * (`mergeLumaInto`), then paste the result into the preallocated output image. Only the output image
 * and O(tile) buffers, allocated once, exist; no full-size float plane.
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
import { forEachTile, largestFirst, maxTileInput, planTiles, type Rect, type Tile, type TileLoopOptions } from '../model/tiling.js';
import type { NetGeometry } from '../nn/geometry.js';
import type { Sequential } from '../nn/sequential.js';
import type { ColourConvention } from '../weights/types.js';
import { lumaInto, mergeLumaInto, type Rounding } from './luma.js';
import type { PixelSource } from './pixel_source.js';

/** What to do with the pixels a 'valid' network cannot compute: keep the source's Y there, or crop them off. */
export type BorderMode = 'keep' | 'crop';

/** How tiles are enhanced (all validated by the caller). */
export interface TileEnhanceOptions {
  /** Y convention of the weights. */
  colour: ColourConvention;
  border: BorderMode;
  rounding: Rounding;
  /** Output tile side in pixels. */
  tileSize: number;
}

/** Options of {@link enhanceImage}. */
export interface EnhanceOptions extends TileEnhanceOptions, TileLoopOptions {}

/** Copies `img` into `out` with its top-left corner at (x, y). */
export function paste(out: Image, img: Image, x: number, y: number): void {
  const cn = out.channels, rowLen = img.width * cn;
  for (let r = 0; r < img.height; r++) {
    const s = r * rowLen;
    out.data.set(img.data.subarray(s, s + rowLen), ((y + r) * out.width + x) * cn);
  }
}

/** Options that fix an enhancement's tiling and output (see {@link EnhanceOptions}). */
export type EnhancePlanOptions = Pick<TileEnhanceOptions, 'border' | 'tileSize'>;

/** The tiles of an enhancement and the size of its output image. */
export interface EnhancePlan {
  readonly tiles: Tile[];
  /** Output image size: the source's with `border: 'keep'`, the network output's with `'crop'`. */
  readonly width: number;
  readonly height: number;
}

/**
 * Plans the enhancement of a `width x height` source by a network of geometry `geom` (margins and
 * halo: `Sequential.margin()/halo()`, or `nn/geometry.ts` `netGeometry` of its layers).
 * @throws ShapeError when the source is smaller than the network's margins.
 */
export function planEnhance(width: number, height: number, geom: Pick<NetGeometry, 'margin' | 'halo'>, opts: EnhancePlanOptions): EnhancePlan {
  const m = geom.margin;
  const tiles = planTiles(width, height, geom, opts.tileSize);
  const keep = opts.border === 'keep';
  return {
    tiles,
    width: keep ? width : width - m.left - m.right,
    height: keep ? height : height - m.top - m.bottom,
  };
}

/** One enhanced tile: `image` goes at (x, y) of the output image. */
export interface TileResult {
  image: Image;
  x: number;
  y: number;
}

/**
 * Enhances tiles one at a time (steps 2 and 3 of the pipeline on one tile; see the module comment),
 * with buffers sized once for the largest tile. `enhanceImage` runs every tile in order; the tile
 * workers of `pipeline/tile_pool.ts` run the tiles they are given, each with its own enhancer.
 */
export class TileEnhancer {
  readonly plan: EnhancePlan;
  /** Bytes of the largest result of {@link run} (a tile's output plus, at the edges, the margin band). */
  readonly maxResultBytes: number;
  private readonly block: Uint8Array;
  private readonly yCrop: Float64Array;
  private readonly x: Float32Array;
  private readonly yNew: Float64Array;
  private readonly result: Uint8Array;
  private readonly netW: number;
  private readonly netH: number;

  /** @throws ShapeError when the network is not 1-channel in and out or the source is too small for it. */
  constructor(private readonly net: Sequential, private readonly source: PixelSource, private readonly opts: TileEnhanceOptions) {
    if (net.inChannels !== 1 || net.outChannels !== 1) {
      throw new ShapeError(`SRCNN runs a 1-channel (Y) network; this one maps ${net.inChannels} to ${net.outChannels} channels`);
    }
    this.plan = planEnhance(source.width, source.height, { margin: net.margin(), halo: net.halo() }, opts);
    [this.netH, this.netW] = net.outputSize(source.height, source.width);
    const maxIn = maxTileInput(this.plan.tiles);
    const m = net.margin();
    this.block = new Uint8Array(maxIn * source.channels);
    this.yCrop = new Float64Array(maxIn);
    this.x = new Float32Array(maxIn);
    // The largest write region: a tile's output plus, at the edges, the margin band.
    const maxRegion = (opts.tileSize + m.left + m.right) * (opts.tileSize + m.top + m.bottom);
    this.yNew = new Float64Array(maxRegion);
    this.maxResultBytes = maxRegion * source.channels;
    this.result = new Uint8Array(this.maxResultBytes);
  }

  /**
   * Enhances `tile` (one of `plan.tiles`). Its input crop is read from the source, or is `crop` when
   * given (the source's pixels of `tile.src`, e.g. read by another thread). The result's pixels are
   * written to `into` (at least {@link maxResultBytes}) when given, else to a buffer of the enhancer's
   * that the next call overwrites.
   */
  run(tile: Tile, crop?: Image, into?: Uint8Array): TileResult {
    const { net, opts, netW, netH } = this;
    const W = this.source.width, H = this.source.height;
    const m = net.margin();
    const keep = opts.border === 'keep';
    const s = tile.src, d = tile.dst;
    const img = crop ?? this.source.read(this.block, s);
    const y = lumaInto(this.yCrop, img, opts.colour);
    const xs = this.x.subarray(0, s.width * s.height);
    for (let i = 0; i < xs.length; i++) xs[i] = y[i]! / 255;
    const res = net.forward(xs, 1, s.height, s.width);
    // The region written, in source coordinates: [x0, x1) x [y0, y1).
    const x0 = keep && d.x === 0 ? 0 : d.x + m.left;
    const y0 = keep && d.y === 0 ? 0 : d.y + m.top;
    const x1 = keep && d.x + d.width === netW ? W : d.x + d.width + m.left;
    const y1 = keep && d.y + d.height === netH ? H : d.y + d.height + m.top;
    const rw = x1 - x0, rh = y1 - y0;
    const v = this.yNew.subarray(0, rw * rh);
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
    const image = mergeLumaInto(into ?? this.result, img, opts.colour, v, region, opts.rounding);
    return { image, x: keep ? x0 : x0 - m.left, y: keep ? y0 : y0 - m.top };
  }
}

/**
 * Enhances `source` with the 1-channel network `net` (see the module comment), tile after tile on
 * this thread, largest tiles first (`largestFirst`). The output has the source's size and channels (`border: 'keep'`) or the network
 * output's size (`'crop'`).
 * @throws ShapeError when the network is not 1-channel in and out or the image is too small for it.
 * @throws AbortError when `signal` is aborted.
 */
export async function enhanceImage(net: Sequential, source: PixelSource, opts: EnhanceOptions): Promise<Image> {
  const enhancer = new TileEnhancer(net, source, opts);
  const { plan } = enhancer;
  const out = createImage(plan.width, plan.height, source.channels);
  await forEachTile(largestFirst(plan.tiles), (t) => {
    const r = enhancer.run(t);
    paste(out, r.image, r.x, r.y);
  }, opts);
  return out;
}
