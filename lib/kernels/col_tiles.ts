/**
 * Column tiling of im2col for the convolution kernels. The full im2col matrix of a layer is
 * (inC*kH*kW) x (outH*outW) floats (1.6 GB for a 5x5, 64-channel layer at 512x512), so the kernels
 * process bands of whole output rows whose columns fit in {@link COL_TILE_FLOATS}, reusing one
 * module-level grow-only buffer. Not re-entrant (the conv kernels never nest).
 */
import type { ConvInfo } from './conv_info.js';

/** Target size of one im2col band in floats (1 MiB; at least one output row is always taken). */
export const COL_TILE_FLOATS = 1 << 18;

let cols = new Float32Array(0);

/** Output rows per im2col band for `info`: as many as fit in {@link COL_TILE_FLOATS}, at least 1. */
export function bandRows(info: ConvInfo): number {
  const perRow = info.inC * info.kH * info.kW * info.outW;
  return Math.max(1, Math.min(info.outH, Math.floor(COL_TILE_FLOATS / perRow)));
}

/** The shared im2col buffer, grown to hold one band of `info` (may be longer than needed). */
export function colScratch(info: ConvInfo): Float32Array {
  const need = info.inC * info.kH * info.kW * info.outW * bandRows(info);
  if (cols.length < need) cols = new Float32Array(need);
  return cols;
}
