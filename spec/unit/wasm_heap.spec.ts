import { expect } from 'chai';
import { BackendError } from '../../lib/errors.js';
import { HEAP_ALIGN, HEAP_READ_SLACK, WasmHeap } from '../../lib/wasm/heap.js';
import { WASM_PAGE_BYTES, wasmApi } from '../../lib/wasm/runtime.js';

function heap(maxPages = 64): WasmHeap {
  return new WasmHeap(new wasmApi!.Memory({ initial: 1, maximum: maxPages, shared: true }), maxPages);
}

describe('wasm heap', () => {
  it('hands out aligned, disjoint, zeroed blocks', () => {
    const h = heap();
    const a = h.allocBytes(10, true);
    const b = h.allocBytes(100, true);
    expect(a % HEAP_ALIGN).to.equal(0);
    expect(b % HEAP_ALIGN).to.equal(0);
    expect(b).to.be.at.least(a + 10);
    h.f32().fill(7, a >>> 2, (a >>> 2) + 16);
    h.freeBytes(a);
    const c = h.allocBytes(10, true);
    expect(c).to.equal(a);
    expect(Array.from(h.view(c, 3))).to.deep.equal([0, 0, 0]);
  });

  it('merges freed neighbours and lowers the top', () => {
    const h = heap();
    const a = h.allocBytes(64, false);
    const b = h.allocBytes(64, false);
    const c = h.allocBytes(64, false);
    h.freeBytes(a);
    h.freeBytes(b);
    expect(h.allocBytes(128, false)).to.equal(a);
    h.freeBytes(c);
    expect(h.allocBytes(64, false)).to.equal(c);
    expect(h.liveBytes).to.equal(128 + 64);
  });

  it('grows the memory, and views created before the growth stay valid and owned', () => {
    const h = heap();
    const p = h.allocBytes(16, true);
    const v = h.view(p, 4);
    v[0] = 3;
    const big = h.allocBytes(3 * WASM_PAGE_BYTES, true);
    expect(h.memory.buffer.byteLength).to.be.at.least(big + 3 * WASM_PAGE_BYTES);
    expect(v[0]).to.equal(3);
    v[1] = 5;
    expect(h.f32()[(p >>> 2) + 1]).to.equal(5);
    expect(h.owns(v)).to.equal(true);
    expect(h.owns(new Float32Array(4))).to.equal(false);
  });

  it('keeps HEAP_READ_SLACK bytes of memory past the top block, also when that forces a growth', () => {
    const h = heap();
    // A block ending exactly at the end of the first page must still grow the memory.
    const p = h.allocBytes(WASM_PAGE_BYTES - HEAP_ALIGN, false);
    expect(p + WASM_PAGE_BYTES - HEAP_ALIGN).to.equal(WASM_PAGE_BYTES);
    expect(h.memory.buffer.byteLength).to.be.at.least(p + WASM_PAGE_BYTES - HEAP_ALIGN + HEAP_READ_SLACK);
    const q = h.allocBytes(5 * WASM_PAGE_BYTES, false);
    expect(h.memory.buffer.byteLength).to.be.at.least(q + 5 * WASM_PAGE_BYTES + HEAP_READ_SLACK);
  });

  it('throws BackendError past the maximum and on double free', () => {
    const h = heap(2);
    expect(() => h.allocBytes(3 * WASM_PAGE_BYTES, false)).to.throw(BackendError, /maximum/);
    const p = h.allocBytes(8, false);
    h.freeBytes(p);
    expect(() => h.freeBytes(p)).to.throw(BackendError, /double free/);
  });
});
