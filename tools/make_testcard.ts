/**
 * Writes examples/testcard.png: a deterministic 192x144 RGB test card, the README quick-start input.
 *
 *     npx tsc -p tsconfig.spec.json && node build/tools/make_testcard.js [out.png]
 *
 * Layout (x, y ranges in pixels), chosen so super-resolution output shows both behaviours:
 * smooth areas (where any upscaler is fine) and detail near the Nyquist limit (where SRCNN should beat
 * bicubic, and ringing or aliasing shows):
 * - rows 0-23: eight 75 % colour bars (white, yellow, cyan, green, magenta, red, blue, black);
 * - rows 24-39: gray ramp 0..255 from left to right;
 * - rows 40-55: hue ramp, saturation falling from 1 at the top to 0.25 at the bottom;
 * - rows 56-119: a circular zone plate `cos(pi/2 * r^2 / R)` (R = 30, centre (36, 88)), whose local
 *   frequency reaches 0.5 cycles/pixel at its rim; line gratings (1 px lines at periods 2, 3 and 4,
 *   vertical and horizontal), a 1 px checkerboard and 45-degree lines (x 76-139); a smoothly shaded
 *   sphere (x 140-191);
 * - rows 120-143: 5x7 pixel text "SRCNN-TS TEST CARD" / "X2 X3 X4 0123456789", dark on light and
 *   light on dark.
 * Everything is computed from closed-form expressions; no randomness, so the file is reproducible.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createImage, type Image } from '../lib/image/image.js';
import { writeImageFile } from '../lib/node/index.js';

export const TESTCARD_WIDTH = 192;
export const TESTCARD_HEIGHT = 144;

/** 5x7 glyphs, one string of 5 '#'/'.' per row. */
const FONT: Readonly<Record<string, readonly string[]>> = {
  S: ['.####', '#....', '#....', '.###.', '....#', '....#', '####.'],
  R: ['####.', '#...#', '#...#', '####.', '#.#..', '#..#.', '#...#'],
  C: ['.###.', '#...#', '#....', '#....', '#....', '#...#', '.###.'],
  N: ['#...#', '##..#', '#.#.#', '#..##', '#...#', '#...#', '#...#'],
  T: ['#####', '..#..', '..#..', '..#..', '..#..', '..#..', '..#..'],
  E: ['#####', '#....', '#....', '####.', '#....', '#....', '#####'],
  A: ['.###.', '#...#', '#...#', '#####', '#...#', '#...#', '#...#'],
  D: ['####.', '#...#', '#...#', '#...#', '#...#', '#...#', '####.'],
  X: ['#...#', '#...#', '.#.#.', '..#..', '.#.#.', '#...#', '#...#'],
  '-': ['.....', '.....', '.....', '#####', '.....', '.....', '.....'],
  ' ': ['.....', '.....', '.....', '.....', '.....', '.....', '.....'],
  '0': ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
  '1': ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  '2': ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  '3': ['####.', '....#', '....#', '.###.', '....#', '....#', '####.'],
  '4': ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  '5': ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  '6': ['.###.', '#....', '#....', '####.', '#...#', '#...#', '.###.'],
  '7': ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  '8': ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  '9': ['.###.', '#...#', '#...#', '.####', '....#', '....#', '.###.'],
};

/** Builds the test card (3-channel RGB). */
export function makeTestcard(): Image {
  const W = TESTCARD_WIDTH;
  const H = TESTCARD_HEIGHT;
  const img = createImage(W, H, 3);
  const d = img.data;
  const set = (x: number, y: number, r: number, g: number, b: number): void => {
    const o = (y * W + x) * 3;
    d[o] = clamp(r);
    d[o + 1] = clamp(g);
    d[o + 2] = clamp(b);
  };
  const fill = (x0: number, y0: number, x1: number, y1: number, v: readonly [number, number, number]): void => {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) set(x, y, v[0], v[1], v[2]);
  };

  // colour bars
  const bars: ReadonlyArray<readonly [number, number, number]> = [
    [191, 191, 191], [191, 191, 0], [0, 191, 191], [0, 191, 0], [191, 0, 191], [191, 0, 0], [0, 0, 191], [16, 16, 16],
  ];
  for (let i = 0; i < 8; i++) fill(i * 24, 0, (i + 1) * 24, 24, bars[i]!);

  // gray ramp and hue ramp
  for (let y = 24; y < 40; y++) for (let x = 0; x < W; x++) set(x, y, (x * 255) / (W - 1), (x * 255) / (W - 1), (x * 255) / (W - 1));
  for (let y = 40; y < 56; y++) {
    const sat = 1 - (0.75 * (y - 40)) / 15;
    for (let x = 0; x < W; x++) {
      const [r, g, b] = hsvToRgb((360 * x) / W, sat, 0.9);
      set(x, y, r, g, b);
    }
  }

  // zone plate on a mid-gray field
  fill(0, 56, 76, 120, [128, 128, 128]);
  const R = 30;
  for (let y = 56; y < 120; y++) {
    for (let x = 0; x < 76; x++) {
      const r2 = (x - 36) ** 2 + (y - 88) ** 2;
      if (r2 > R * R) continue;
      const v = 128 + 127 * Math.cos(((Math.PI / 2) * r2) / R);
      set(x, y, v, v, v);
    }
  }

  // gratings: 4 columns x 2 rows of 16x32 cells, then checkerboard and diagonals
  fill(76, 56, 140, 120, [235, 235, 235]);
  const periods = [2, 3, 4];
  for (let i = 0; i < 3; i++) {
    const p = periods[i]!;
    for (let y = 56; y < 88; y++) for (let x = 76 + 16 * i; x < 92 + 16 * i; x++) if ((x - 76) % p === 0) set(x, y, 20, 20, 20);
    for (let y = 88; y < 120; y++) for (let x = 76 + 16 * i; x < 92 + 16 * i; x++) if ((y - 88) % p === 0) set(x, y, 20, 20, 20);
  }
  for (let y = 56; y < 88; y++) for (let x = 124; x < 140; x++) if ((x + y) % 2 === 0) set(x, y, 20, 20, 20);
  for (let y = 88; y < 120; y++) for (let x = 124; x < 140; x++) if ((x + y) % 4 === 0) set(x, y, 160, 30, 30);

  // shaded sphere on a vertical sky gradient
  for (let y = 56; y < 120; y++) {
    for (let x = 140; x < W; x++) {
      const t = (y - 56) / 63;
      let r = 70 + 60 * t;
      let g = 110 + 50 * t;
      let b = 170 - 30 * t;
      const dx = (x - 166) / 22;
      const dy = (y - 88) / 22;
      const rr = dx * dx + dy * dy;
      if (rr < 1.1) {
        const z = Math.sqrt(Math.max(0, 1 - rr));
        const light = Math.max(0, -0.5 * dx - 0.6 * dy + 0.62 * z); // light from the upper left
        const edge = Math.min(1, Math.max(0, (1.1 - rr) / 0.1)); // 1 px soft rim
        const sr = 60 + 190 * light;
        const sg = 40 + 120 * light;
        const sb = 30 + 60 * light;
        r = r + (sr - r) * edge;
        g = g + (sg - g) * edge;
        b = b + (sb - b) * edge;
      }
      set(x, y, r, g, b);
    }
  }

  // text
  fill(0, 120, W, 132, [240, 236, 220]);
  fill(0, 132, W, H, [30, 34, 48]);
  drawText(set, 'SRCNN-TS TEST CARD', 3, 122, [20, 20, 20]);
  drawText(set, 'X2 X3 X4 0123456789', 3, 134, [250, 220, 120]);
  drawText(set, 'SR', 138, 122, [180, 30, 30], 2);
  return img;
}

function drawText(
  set: (x: number, y: number, r: number, g: number, b: number) => void,
  text: string,
  x0: number,
  y0: number,
  rgb: readonly [number, number, number],
  scale = 1,
): void {
  let cx = x0;
  for (const ch of text) {
    const glyph = FONT[ch];
    if (glyph === undefined) throw new Error(`make_testcard: no glyph for ${JSON.stringify(ch)}`);
    for (let gy = 0; gy < 7; gy++) {
      for (let gx = 0; gx < 5; gx++) {
        if (glyph[gy]![gx] !== '#') continue;
        for (let sy = 0; sy < scale; sy++) for (let sx = 0; sx < scale; sx++) set(cx + gx * scale + sx, y0 + gy * scale + sy, rgb[0], rgb[1], rgb[2]);
      }
    }
    cx += 6 * scale;
  }
}

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const c = v * s;
  const hp = h / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] = hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = v - c;
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
}

/** Round half up and clamp to 0..255. */
function clamp(v: number): number {
  return Math.min(255, Math.max(0, Math.floor(v + 0.5)));
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'); // build/tools -> repo
  const out = process.argv[2] ?? resolve(repoRoot, 'examples', 'testcard.png');
  await writeImageFile(out, makeTestcard());
  console.log(`wrote ${out} (${TESTCARD_WIDTH}x${TESTCARD_HEIGHT} RGB)`);
}
