/**
 * PNG encoder on pngjs (`PNG.sync.write`, Node's native zlib).
 *
 * This is the only module under lib/image that reaches Node built-ins: pngjs's Node build requires
 * `zlib`, `stream`, `buffer`, `util` and `assert` at import time. Everything that decodes
 * (decode.ts, png.ts, bmp.ts) and the BMP encoder stay importable in a browser bundle without
 * polyfills. To encode PNG in a browser, alias `pngjs` to its self-contained browserify build
 * `pngjs/browser.js` and set `globalThis.Buffer` (e.g. from the `buffer` package).
 */
import pngjs, { type PNG } from 'pngjs';
import { assertImage, type Image } from './image.js';

/** IHDR colour type written for each channel count. */
const COLOR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

/**
 * Encodes an {@link Image} as an 8-bit, non-interlaced PNG with the matching colour type
 * (1 -> gray, 2 -> gray+alpha, 3 -> RGB, 4 -> RGBA), zlib level 9, no gamma or colour chunks.
 * @throws ShapeError when `image` is malformed.
 */
export function encodePng(image: Image): Uint8Array {
  assertImage(image, 'encodePng');
  const colorType = COLOR_TYPE[image.channels];
  const data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength); // a view, no copy
  const buffer = pngjs.PNG.sync.write({ width: image.width, height: image.height, data } as unknown as PNG, {
    colorType,
    inputColorType: colorType, // same as the output: pngjs passes the bytes through unconverted
    inputHasAlpha: image.channels === 2 || image.channels === 4,
    bitDepth: 8,
  });
  return new Uint8Array(buffer); // a plain copy: pngjs may return a slice of Node's shared buffer pool
}
