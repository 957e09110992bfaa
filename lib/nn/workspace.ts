/**
 * Numbered scratch buffers from a {@link Backend} that grow to the largest size requested and are then
 * reused (the ndarray-scratch pattern): in steady state, `get` allocates nothing but, when the
 * requested length is below the capacity, an exact-length `subarray` view.
 */
import type { Backend } from '../backend/backend.js';

export class Workspace {
  private readonly bufs: (Float32Array | null)[];

  constructor(private readonly backend: Backend, slots: number) {
    this.bufs = new Array<Float32Array | null>(slots).fill(null);
  }

  /**
   * Slot `i` with exactly `n` values. Contents are unspecified (stale data from earlier calls, or zeros
   * after growth). A grown slot is a new buffer: views from earlier `get` calls on it are then stale.
   */
  get(i: number, n: number): Float32Array {
    let b = this.bufs[i]!;
    if (b === null || b.length < n) {
      if (b !== null) this.backend.free(b);
      b = this.backend.alloc(n);
      this.bufs[i] = b;
    }
    return b.length === n ? b : b.subarray(0, n);
  }

  /** Total capacity in float32 values (for memory reports and tests). */
  capacity(): number {
    let n = 0;
    for (const b of this.bufs) if (b !== null) n += b.length;
    return n;
  }

  /** Returns every buffer to the backend. */
  dispose(): void {
    for (let i = 0; i < this.bufs.length; i++) {
      const b = this.bufs[i];
      if (b) this.backend.free(b);
      this.bufs[i] = null;
    }
  }
}
