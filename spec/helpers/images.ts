/** Generated test images and byte-exact image comparison for the pipeline tests. */
import { expect } from 'chai';
import { createImage, type Channels, type Image } from '../../lib/image/image.js';

/** A `w x h` image of pseudo-random bytes (the top byte of the ANSI C LCG started at `seed`). */
export function randomImage(w: number, h: number, channels: Channels, seed: number): Image {
  const img = createImage(w, h, channels);
  let s = seed >>> 0;
  for (let i = 0; i < img.data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    img.data[i] = s >>> 24;
  }
  return img;
}

/** Asserts equal size and channels and identical bytes; a failure names the first differing byte and its pixel. */
export function expectSameBytes(got: Image, want: Image, what: string): void {
  expect([got.width, got.height, got.channels], what).to.deep.equal([want.width, want.height, want.channels]);
  for (let i = 0; i < want.data.length; i++) {
    if (got.data[i] !== want.data[i]) {
      const px = Math.floor(i / want.channels);
      expect.fail(`${what}: byte ${i} (x=${px % want.width}, y=${Math.floor(px / want.width)}) is ${got.data[i]}, expected ${want.data[i]}`);
    }
  }
}
