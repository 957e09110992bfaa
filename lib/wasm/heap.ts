/**
 * A first-fit allocator over one WebAssembly.Memory: the buffers kernels use without copying.
 *
 * Blocks are 64-byte aligned (a cache line; also v128-aligned). Freed blocks go to an address-sorted
 * free list and merge with their neighbours; a free block that reaches the top lowers the bump
 * pointer. When the top (plus {@link HEAP_READ_SLACK}) would pass the end of memory, the memory
 * grows (at least by an eighth of its size, up to its maximum: a memory never shrinks, so what a
 * larger step over-allocates stays wasted). With a shared memory the SharedArrayBuffer grows in
 * place, so views handed out
 * earlier stay valid; every buffer object the memory has exposed is remembered, which is how
 * {@link WasmHeap.owns} recognises views created before a growth.
 */
import { BackendError } from '../errors.js';
import { WASM_PAGE_BYTES, type WasmMemory } from './runtime.js';

/** Alignment of every block, in bytes. */
export const HEAP_ALIGN = 64;
/**
 * Bytes of memory kept past the end of the top block, so a kernel may read (never write) a little
 * past any block without trapping (macro_direct's edge panels read up to NR-1 floats too far).
 */
export const HEAP_READ_SLACK = 64;

interface Block {
  ptr: number;
  size: number;
}

export class WasmHeap {
  readonly memory: WasmMemory;
  private readonly maxBytes: number;
  private top: number;
  private readonly freeList: Block[] = [];
  private readonly live = new Map<number, number>();
  private readonly seenBuffers = new WeakSet<object>();
  private f32View: Float32Array;
  private i32View: Int32Array;

  /**
   * @param memory - the memory to manage (its current size is usable at once).
   * @param maxPages - the memory's maximum size in pages.
   * @param base - first byte the heap may use (bytes below are left alone).
   */
  constructor(memory: WasmMemory, maxPages: number, base = HEAP_ALIGN) {
    this.memory = memory;
    this.maxBytes = maxPages * WASM_PAGE_BYTES;
    this.top = align(base);
    this.f32View = new Float32Array(memory.buffer);
    this.i32View = new Int32Array(memory.buffer);
    this.seenBuffers.add(memory.buffer);
  }

  /** Bytes currently handed out (live blocks). */
  get liveBytes(): number {
    let s = 0;
    for (const v of this.live.values()) s += v;
    return s;
  }

  /** Allocates `bytes` (rounded up to {@link HEAP_ALIGN}); zero-filled when `zero`. Returns the address. */
  allocBytes(bytes: number, zero: boolean): number {
    const size = align(Math.max(bytes, 1));
    let ptr = -1;
    for (let i = 0; i < this.freeList.length; i++) {
      const b = this.freeList[i]!;
      if (b.size >= size) {
        ptr = b.ptr;
        if (b.size === size) this.freeList.splice(i, 1);
        else {
          b.ptr += size;
          b.size -= size;
        }
        break;
      }
    }
    if (ptr < 0) {
      this.ensureCapacity(this.top + size + HEAP_READ_SLACK);
      ptr = this.top;
      this.top += size;
    }
    this.live.set(ptr, size);
    if (zero) this.f32().fill(0, ptr >>> 2, (ptr + size) >>> 2);
    return ptr;
  }

  /** Returns the block at `ptr` to the heap. Throws when `ptr` is not a live block. */
  freeBytes(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new BackendError(`free: address ${ptr} is not a live wasm heap block (double free?)`);
    this.live.delete(ptr);
    // Insert sorted by address, then merge with neighbours.
    let lo = 0;
    let hi = this.freeList.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.freeList[mid]!.ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    this.freeList.splice(lo, 0, { ptr, size });
    let i = lo;
    const next = this.freeList[i + 1];
    if (next && ptr + size === next.ptr) {
      this.freeList[i]!.size += next.size;
      this.freeList.splice(i + 1, 1);
    }
    const prev = this.freeList[i - 1];
    if (prev && prev.ptr + prev.size === ptr) {
      prev.size += this.freeList[i]!.size;
      this.freeList.splice(i, 1);
      i--;
    }
    const last = this.freeList[this.freeList.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      this.freeList.pop();
    }
  }

  /** True when `view` lies in this heap's memory (also for views created before a growth). */
  owns(view: ArrayBufferView): boolean {
    return this.seenBuffers.has(view.buffer);
  }

  /** A float32 view of the whole memory at its current size. */
  f32(): Float32Array {
    this.refresh();
    return this.f32View;
  }

  /** An int32 view of the whole memory at its current size. */
  i32(): Int32Array {
    this.refresh();
    return this.i32View;
  }

  /** A float32 view of `length` floats at `ptr`. */
  view(ptr: number, length: number): Float32Array {
    this.refresh();
    return new Float32Array(this.f32View.buffer, ptr, length);
  }

  private refresh(): void {
    const buf = this.memory.buffer;
    if (this.f32View.buffer !== buf || this.f32View.byteLength !== buf.byteLength) {
      this.seenBuffers.add(buf);
      this.f32View = new Float32Array(buf);
      this.i32View = new Int32Array(buf);
    }
  }

  private ensureCapacity(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    if (end > this.maxBytes) {
      throw new BackendError(`wasm heap exhausted: need ${end} bytes, the memory's maximum is ${this.maxBytes} bytes`);
    }
    const want = Math.min(this.maxBytes, Math.max(end, have + (have >>> 3)));
    this.memory.grow(Math.ceil((want - have) / WASM_PAGE_BYTES));
    this.refresh();
  }
}

function align(n: number): number {
  return Math.ceil(n / HEAP_ALIGN) * HEAP_ALIGN;
}
