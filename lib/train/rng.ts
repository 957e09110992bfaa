/**
 * Small deterministic PRNGs for training (data order, augmentation). Everything a run draws at
 * random is derived from (seed, epoch) through these, so a run is reproducible from its seed and a
 * resumed run needs no hidden generator state.
 */

/**
 * mulberry32 (Tommy Ettinger, public domain): a 32-bit state generator with period 2^32 and good
 * statistical quality for shuffling. `next()` returns a float in [0, 1) with 32 random bits.
 */
export class Mulberry32 {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** The generator state (a uint32); `new Mulberry32(state)` continues the same sequence. */
  get state(): number {
    return this.s;
  }
  /** Next uint32. */
  nextU32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Next float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }
  /** Uniform integer in [0, n) for 0 < n <= 2^32 (multiply-shift; bias < n / 2^32). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/**
 * Mixes integers into one uint32 seed (the murmur3 finaliser over a running hash), so that
 * `deriveSeed(seed, epoch)` streams for neighbouring epochs are unrelated.
 */
export function deriveSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Fisher-Yates shuffle of `out` in place with `rng`; returns `out`. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(out: T, rng: Mulberry32): T {
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
