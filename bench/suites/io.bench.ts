/**
 * Image codec throughput on a 1024 x 1024 RGB image (256 x 256 with --quick), in Mpixel/s.
 *
 * Baselines, timed in the same process:
 * - PNG decode: pngjs 7 `PNG.sync.read` (RGBA output, Node's native zlib). srcnn-ts decodes with its
 *   own pure-TS inflate because pngjs's sync path does not detect corrupt or truncated streams.
 * - BMP decode/encode: bmp-js 0.1 (ABGR output; 24-bit encoder).
 * - PNG encode: pngjs with its default RGBA input; srcnn-ts passes the RGB bytes straight through
 *   (both use native zlib level 9, so the ratio shows only the wrapper's overhead or gain).
 * - Set14 (when ../shared is present): decoding all 14 BMPs, srcnn-ts vs bmp-js.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import pngjs from 'pngjs';
import { measure, mpixels, throughputRow, type BenchRow, type BenchSuite } from '../harness.js';
import { decodeImage, encodeImage } from '../../lib/image/codec.js';
import type { Image } from '../../lib/image/image.js';

interface BmpJs {
  decode(buffer: Buffer): { width: number; height: number; data: Buffer };
  encode(img: { data: Buffer; width: number; height: number }): { data: Buffer };
}
const bmpJs = createRequire(import.meta.url)('bmp-js') as BmpJs;

/** Deterministic RGB content: smooth waves plus 5 bits of noise (compresses like a photo, not like a flat fill). */
function testImage(n: number): Image {
  const data = new Uint8Array(n * n * 3);
  let seed = 7;
  for (let y = 0, i = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      for (let c = 0; c < 3; c++, i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const v = 128 + 90 * Math.sin((x + 30 * c) / 29) * Math.cos(y / 17) + ((seed >>> 27) - 16);
        data[i] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
      }
    }
  }
  return { width: n, height: n, channels: 3, data };
}

export const suite: BenchSuite = {
  name: 'io',
  async run(ctx) {
    const n = ctx.quick ? 256 : 1024;
    const runs = ctx.quick ? 2 : 7;
    const img = testImage(n);
    const px = n * n;
    const work = (ms: number): number => mpixels(px, ms);
    const rows: BenchRow[] = [];

    const png = encodeImage(img, 'png');
    const pngBuf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
    rows.push(
      throughputRow('io', `PNG decode ${n}x${n} RGB`, 'Mpixel/s', work, await measure(() => decodeImage(png), { runs }), {
        name: 'pngjs PNG.sync.read',
        timing: await measure(() => pngjs.PNG.sync.read(pngBuf), { runs }),
      }, { bytes: png.length }),
    );

    const rgba = Buffer.alloc(px * 4, 255);
    for (let i = 0; i < px; i++) rgba.set(img.data.subarray(3 * i, 3 * i + 3), 4 * i);
    rows.push(
      throughputRow('io', `PNG encode ${n}x${n} RGB (zlib level 9)`, 'Mpixel/s', work, await measure(() => encodeImage(img, 'png'), { runs }), {
        name: 'pngjs PNG.sync.write (RGBA input)',
        timing: await measure(() => pngjs.PNG.sync.write(Object.assign(new pngjs.PNG({ width: n, height: n }), { data: rgba }), { colorType: 2 }), { runs }),
      }),
    );

    const bmp = encodeImage(img, 'bmp');
    const bmpBuf = Buffer.from(bmp.buffer, bmp.byteOffset, bmp.byteLength);
    rows.push(
      throughputRow('io', `BMP decode ${n}x${n} 24-bit`, 'Mpixel/s', work, await measure(() => decodeImage(bmp), { runs }), {
        name: 'bmp-js decode',
        timing: await measure(() => bmpJs.decode(bmpBuf), { runs }),
      }),
    );
    const abgr = Buffer.alloc(px * 4);
    for (let i = 0; i < px; i++) {
      abgr[4 * i + 1] = img.data[3 * i + 2]!;
      abgr[4 * i + 2] = img.data[3 * i + 1]!;
      abgr[4 * i + 3] = img.data[3 * i]!;
    }
    rows.push(
      throughputRow('io', `BMP encode ${n}x${n} 24-bit`, 'Mpixel/s', work, await measure(() => encodeImage(img, 'bmp'), { runs }), {
        name: 'bmp-js encode',
        timing: await measure(() => bmpJs.encode({ data: abgr, width: n, height: n }), { runs }),
      }),
    );

    if (ctx.sharedDir !== null && !ctx.quick) {
      const dir = resolve(ctx.sharedDir, 'data', 'Set14');
      const files = readdirSync(dir).filter((f) => f.endsWith('.bmp')).map((f) => readFileSync(resolve(dir, f)));
      let pixels = 0;
      for (const f of files) {
        const im = decodeImage(new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
        pixels += im.width * im.height;
      }
      rows.push(
        throughputRow(
          'io', 'BMP decode Set14 (14 files, incl. 8-bit gray bridge.bmp)', 'Mpixel/s', (ms) => mpixels(pixels, ms),
          await measure(() => files.forEach((f) => decodeImage(new Uint8Array(f.buffer, f.byteOffset, f.byteLength))), { runs: 5 }),
          { name: 'bmp-js decode', timing: await measure(() => files.forEach((f) => bmpJs.decode(f)), { runs: 5 }) },
        ),
      );
    }
    return rows;
  },
};
