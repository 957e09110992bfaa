/** SRCNN architectures by name and the exact tiled forward pass. */
export { architecture, ARCHITECTURES } from './architectures.js';
export type { ArchitectureOptions } from './architectures.js';
export { planTiles, runTiled, forEachTile, maxTileInput, throwIfAborted, DEFAULT_TILE_SIZE } from './tiling.js';
export type { Rect, Tile, TiledOptions, TileLoopOptions } from './tiling.js';
