/** Readers for the JSON fixtures of tools/fixtures/gen_resize_fixtures.py (arrays as base64 little-endian bytes). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixturesDir } from './paths.js';

/** Parses spec/fixtures/<rel>. */
export function readFixture<T>(rel: string): T {
  return JSON.parse(readFileSync(resolve(fixturesDir, rel), 'utf8')) as T;
}

/** Base64 to bytes. */
export function b64u8(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** Base64 of little-endian float32 values. */
export function b64f32(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float32Array(b.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(4 * i, true);
  return out;
}

/** Base64 of little-endian float64 values. */
export function b64f64(s: string): Float64Array {
  const b = Buffer.from(s, 'base64');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float64Array(b.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat64(8 * i, true);
  return out;
}

/** Index and size of the first difference of two byte arrays, or null when equal. */
export function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): { index: number; got: number; want: number; count: number } | null {
  if (a.length !== b.length) return { index: -1, got: a.length, want: b.length, count: -1 };
  let first = -1;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      if (first < 0) first = i;
      count++;
    }
  }
  return first < 0 ? null : { index: first, got: a[first]!, want: b[first]!, count };
}

/** Largest |a - b| over two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = d; // NaN propagates as the maximum
  }
  return m;
}
