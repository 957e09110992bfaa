/**
 * Tiled forward pass with bounded memory that reproduces the untiled result **bit for bit**.
 *
 * Geometry (see `nn/geometry.ts`): with M = margin (lost to 'valid' layers) and S = halo (reach of
 * 'same' padding), full output pixel p is computed from full input pixels p .. p + M.top + M.bottom
 * (plus padding effects within S). A tile that must deliver output rows [a, b) reads input rows
 *
 *     [max(0, a - S.top), min(H, b + M.top + M.bottom + S.bottom))
 *
 * and runs the ordinary network on that crop. In the crop's own output, row q is full output row
 * `srcTop + q`. Where the crop's border is interior to the image, the network's padding there
 * (zeros, or replicate of the crop's edge) differs from the real neighbours, and the difference reaches
 * at most S.top rows inwards over all layers: exactly the rows outside [a, b). Where the crop's border
 * is the image border, every intermediate map of the crop also starts at the full map's border, so the
 * crop's padding is the full image's padding. Hence the kept rows equal the untiled output exactly,
 * provided the backend computes each output value with the same arithmetic wherever it sits in the
 * map (true of the srcnn-ts backends; the test suite checks it). Columns work the same way.
 */
import { AbortError, ShapeError, ValueError } from '../errors.js';
import { assertFinite, type Plane } from '../image/image.js';
import type { NetGeometry } from '../nn/geometry.js';
import type { Sequential } from '../nn/sequential.js';

/** An axis-aligned rectangle in pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One tile: read `src` from the input, run the network, keep `dst` (full-output coordinates). */
export interface Tile {
  /** Input crop, in full-input coordinates. */
  src: Rect;
  /** Output region this tile delivers, in full-output coordinates. */
  dst: Rect;
  /** Position of `dst` inside the crop's own output (`dst.x - src.x`, `dst.y - src.y`). */
  offset: { x: number; y: number };
}

/** Default output tile side: bounds the per-tile workspace (9-5-5: 64 + 32 channels of 272x272 float32, about 28 MB, plus backend scratch). */
export const DEFAULT_TILE_SIZE = 256;

/**
 * Splits the output of a `width x height` input into tiles of at most `tileSize x tileSize` output
 * pixels, row-major, and gives each one's input crop (see the module comment).
 * @throws ShapeError when the input is smaller than the network's margins.
 * @throws ValueError when `tileSize` is not a positive integer.
 */
export function planTiles(width: number, height: number, geom: Pick<NetGeometry, 'margin' | 'halo'>, tileSize: number): Tile[] {
  if (!Number.isSafeInteger(tileSize) || tileSize <= 0) throw new ValueError(`tileSize must be a positive integer, got ${tileSize}`);
  const m = geom.margin, s = geom.halo;
  const outW = width - m.left - m.right, outH = height - m.top - m.bottom;
  if (outW <= 0 || outH <= 0) {
    throw new ShapeError(`a ${width}x${height} input is too small for the network: its 'valid' layers need more than ${m.left + m.right}x${m.top + m.bottom}`);
  }
  const tiles: Tile[] = [];
  for (let oy = 0; oy < outH; oy += tileSize) {
    const oh = Math.min(tileSize, outH - oy);
    const sy = Math.max(0, oy - s.top);
    const ey = Math.min(height, oy + oh + m.top + m.bottom + s.bottom);
    for (let ox = 0; ox < outW; ox += tileSize) {
      const ow = Math.min(tileSize, outW - ox);
      const sx = Math.max(0, ox - s.left);
      const ex = Math.min(width, ox + ow + m.left + m.right + s.right);
      tiles.push({
        src: { x: sx, y: sy, width: ex - sx, height: ey - sy },
        dst: { x: ox, y: oy, width: ow, height: oh },
        offset: { x: ox - sx, y: oy - sy },
      });
    }
  }
  return tiles;
}

/** Options of {@link forEachTile}. */
export interface TileLoopOptions {
  /** Called after each tile with the number of tiles done and the total. */
  onTile?: (done: number, total: number) => void;
  /** Checked before each tile; when aborted, the loop stops with an AbortError. */
  signal?: AbortSignal;
}

/** Options of {@link runTiled}. */
export interface TiledOptions extends TileLoopOptions {
  /** Output tile side in pixels. @defaultValue {@link DEFAULT_TILE_SIZE} */
  tileSize?: number;
}

/**
 * Lets timers and other tasks run (e.g. an AbortSignal.timeout firing) between tiles: a macrotask
 * (`setImmediate` where it exists, as it is not clamped to 1 ms like Node's `setTimeout(0)`).
 */
const nextTask: () => Promise<void> = typeof setImmediate === 'function'
  ? () => new Promise((resolve) => setImmediate(resolve))
  : () => new Promise((resolve) => setTimeout(resolve, 0));

/** Throws an AbortError (with the signal's reason in the message) when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const r: unknown = signal.reason;
    throw new AbortError(r instanceof Error ? `The operation was aborted: ${r.message}` : 'The operation was aborted');
  }
}

/**
 * The tiles with the largest input crops first (stable otherwise). Running them in this order sizes
 * every buffer for the largest tile at once: growing buffers tile after tile would leave freed
 * blocks behind in a WebAssembly memory, which never shrinks.
 */
export function largestFirst(tiles: readonly Tile[]): Tile[] {
  const area = (t: Tile): number => t.src.width * t.src.height;
  return tiles.map((t, i) => ({ t, i })).sort((a, b) => area(b.t) - area(a.t) || a.i - b.i).map((x) => x.t);
}

/** Largest input crop of `tiles`, in pixels (the size of a per-tile input buffer). */
export function maxTileInput(tiles: readonly Tile[]): number {
  let max = 0;
  for (const t of tiles) max = Math.max(max, t.src.width * t.src.height);
  return max;
}

/**
 * Runs `fn` on each tile in order. Before the first tile and between tiles it checks `signal`;
 * between tiles it also yields to the event loop, so an abort (or anything else) can happen while
 * the loop runs and stops it within one tile. Progress is reported after each tile.
 * @throws AbortError when `signal` is aborted; whatever `fn` throws.
 */
export async function forEachTile(tiles: readonly Tile[], fn: (tile: Tile) => void, opts: TileLoopOptions = {}): Promise<void> {
  throwIfAborted(opts.signal);
  for (let ti = 0; ti < tiles.length; ti++) {
    if (ti > 0) {
      await nextTask();
      throwIfAborted(opts.signal);
    }
    fn(tiles[ti]!);
    opts.onTile?.(ti + 1, tiles.length);
  }
}

/**
 * Runs `net` over `plane` (interleaved, `net.inChannels` channels, any scale the network expects: SRCNN
 * takes Y/255) tile by tile and returns the float32 output plane (interleaved, `net.outChannels`
 * channels, size `net.outputSize(h, w)`), equal bit for bit to one untiled `net.forward`.
 * Between tiles it checks `signal`, reports progress and yields to the event loop.
 * @throws ShapeError for a channel mismatch or an input smaller than the network's margins.
 * @throws ValueError for NaN/Infinity in the input or a bad tile size.
 * @throws AbortError when `signal` is aborted.
 */
export async function runTiled(net: Sequential, plane: Plane, opts: TiledOptions = {}): Promise<Plane<Float32Array>> {
  const { width: W, height: H, channels: C } = plane;
  if (C !== net.inChannels) throw new ShapeError(`the network takes ${net.inChannels}-channel input, got a ${C}-channel plane`);
  if (plane.data.length !== W * H * C) throw new ShapeError(`plane ${W}x${H}x${C} needs ${W * H * C} values, has ${plane.data.length}`);
  assertFinite(plane, 'network input');
  const tiles = planTiles(W, H, { margin: net.margin(), halo: net.halo() }, opts.tileSize ?? DEFAULT_TILE_SIZE);
  const [outH, outW] = net.outputSize(H, W);
  const OC = net.outChannels;
  const out = new Float32Array(outW * outH * OC);
  const buf = new Float32Array(maxTileInput(tiles) * C);
  const src = plane.data;
  await forEachTile(tiles, ({ src: s, dst: d, offset }) => {
    const x = buf.subarray(0, s.width * s.height * C);
    // Interleaved HWC crop -> CHW tile.
    for (let c = 0; c < C; c++) {
      for (let r = 0; r < s.height; r++) {
        const from = ((s.y + r) * W + s.x) * C + c;
        const to = (c * s.height + r) * s.width;
        for (let k = 0; k < s.width; k++) x[to + k] = src[from + k * C]!;
      }
    }
    const res = net.forward(x, 1, s.height, s.width);
    const y = res.data;
    for (let c = 0; c < OC; c++) {
      for (let r = 0; r < d.height; r++) {
        const from = (c * res.h + offset.y + r) * res.w + offset.x;
        const to = ((d.y + r) * outW + d.x) * OC + c;
        for (let k = 0; k < d.width; k++) out[to + k * OC] = y[from + k]!;
      }
    }
  }, opts);
  return { width: outW, height: outH, channels: OC, data: out };
}
