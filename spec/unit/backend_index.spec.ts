import { expect } from 'chai';
import { BackendError, OptionError } from '../../lib/errors.js';
import { createBackend, simdSupported } from '../../lib/backend/index.js';
import { createNodeBackend, spawnNodeWasmWorker } from '../../lib/node/wasm_workers.js';
import type { CreateBackendOptions } from '../../lib/backend/index.js';

describe('createBackend', () => {
  it("'auto' picks wasm-simd where SIMD validates (Node 20), else js", () => {
    const be = createBackend();
    expect(be.name).to.equal(simdSupported() ? 'wasm-simd' : 'js');
    be.dispose();
  });

  it('honours an explicit choice', () => {
    const js = createBackend({ backend: 'js', threads: 4 });
    expect(js.name).to.equal('js');
    expect(js.threads).to.equal(1);
    js.dispose();
    const w = createBackend({ backend: 'wasm-simd' });
    expect(w.name).to.equal('wasm-simd');
    w.dispose();
  });

  it('passes threads and the worker spawner to wasm-simd', () => {
    const be = createBackend({ backend: 'wasm-simd', threads: 2, spawnWorker: spawnNodeWasmWorker });
    expect(be.threads).to.equal(2);
    const c = be.gemm(false, false, 2, 2, 2, 1, Float32Array.from([1, 2, 3, 4]), 2, Float32Array.from([1, 0, 0, 1]), 2, 0, new Float32Array(4), 2);
    expect(Array.from(c)).to.deep.equal([1, 2, 3, 4]);
    be.dispose();
    const nb = createNodeBackend({ threads: 2 });
    expect(nb.threads).to.equal(nb.name === 'wasm-simd' ? 2 : 1);
    nb.dispose();
  });

  it('rejects unknown options, unknown backends and bad thread counts; threads without a spawner is a BackendError', () => {
    expect(() => createBackend({ backend: 'webgl' } as unknown as CreateBackendOptions)).to.throw(OptionError, /webgl/);
    expect(() => createBackend({ thread: 2 } as unknown as CreateBackendOptions)).to.throw(OptionError, /thread/);
    expect(() => createBackend({ threads: 1.5 })).to.throw(OptionError, /threads/);
    expect(() => createBackend({ backend: 'wasm-simd', threads: 2 })).to.throw(BackendError, /spawnWorker/);
  });
});
