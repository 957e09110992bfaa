import { expect } from 'chai';
import { sleb, uleb } from '../../lib/wasm/leb128.js';
import { Op } from '../../lib/wasm/opcodes.js';
import { ModuleBuilder, ValType } from '../../lib/wasm/emitter.js';
import { buildKernelModule } from '../../lib/wasm/kernels.js';
import { relaxedSimdSupported, sharedMemorySupported, simdSupported, wasmApi } from '../../lib/wasm/runtime.js';

const { i32 } = ValType;

function instantiate(m: ModuleBuilder): Record<string, (...args: number[]) => number> {
  const api = wasmApi!;
  return new api.Instance(new api.Module(m.encode()), {}).exports as Record<string, (...args: number[]) => number>;
}

describe('wasm emitter: LEB128', () => {
  it('encodes unsigned values (spec examples)', () => {
    expect(uleb(0)).to.deep.equal([0]);
    expect(uleb(127)).to.deep.equal([0x7f]);
    expect(uleb(128)).to.deep.equal([0x80, 0x01]);
    expect(uleb(624485)).to.deep.equal([0xe5, 0x8e, 0x26]);
    expect(uleb(0xffffffff)).to.deep.equal([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });
  it('encodes signed values', () => {
    expect(sleb(0)).to.deep.equal([0]);
    expect(sleb(-1)).to.deep.equal([0x7f]);
    expect(sleb(63)).to.deep.equal([0x3f]);
    expect(sleb(64)).to.deep.equal([0xc0, 0x00]);
    expect(sleb(-64)).to.deep.equal([0x40]);
    expect(sleb(-123456)).to.deep.equal([0xc0, 0xbb, 0x78]);
  });
  it('rejects values out of range', () => {
    expect(() => uleb(-1)).to.throw(RangeError);
    expect(() => uleb(1.5)).to.throw(RangeError);
    expect(() => sleb(2 ** 33)).to.throw(RangeError);
  });
});

describe('wasm emitter: opcodes', () => {
  it('encodes SIMD sub-opcodes as LEB128 after the 0xfd prefix', () => {
    expect(Op.f32x4_mul).to.deep.equal([0xfd, 0xe6, 0x01]);
    expect(Op.f32x4_add).to.deep.equal([0xfd, 0xe4, 0x01]);
    expect(Op.v128_load).to.deep.equal([0xfd, 0x00]);
    expect(Op.f32x4_relaxed_madd).to.deep.equal([0xfd, 0x85, 0x02]);
    expect(Op.memory_fill).to.deep.equal([0xfc, 0x0b]);
  });

  it('shuffle32 emits i8x16.shuffle with the byte lanes of four 32-bit lanes, and runs as a lane permutation', () => {
    const m = new ModuleBuilder().importMemory('env', 'memory', { initial: 1, maximum: 1, shared: false });
    m.addFunction('interleave', [['p', ValType.i32]], [], (f) => {
      const p = f.param('p');
      f.get(p).get(p).mem('v128_load', 0).get(p).mem('v128_load', 16).shuffle32([0, 4, 1, 5]).mem('v128_store', 32);
    });
    const bytes = m.encode();
    const at = bytes.findIndex((_, i) => bytes[i] === 0xfd && bytes[i + 1] === 0x0d);
    expect(Array.from(bytes.subarray(at + 2, at + 18))).to.deep.equal([0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23]);
    const api = wasmApi!;
    const memory = new api.Memory({ initial: 1, maximum: 1 });
    const inst = new api.Instance(new api.Module(bytes), { env: { memory } });
    const f32 = new Float32Array(memory.buffer);
    f32.set([1, 2, 3, 4, 5, 6, 7, 8]);
    (inst.exports.interleave as (p: number) => void)(0);
    expect(Array.from(f32.subarray(8, 12))).to.deep.equal([1, 5, 2, 6]);
    expect(() => new ModuleBuilder().addFunction('bad', [], [], (f) => f.shuffle32([0, 1, 2, 8]))).to.throw(RangeError, /lane 8/);
  });
});

describe('wasm emitter: modules', () => {
  it('builds a module whose functions run (params, locals, loops, calls)', () => {
    const m = new ModuleBuilder();
    const add = m.addFunction('add', [['a', i32], ['b', i32]], [i32], (f) => {
      f.get(f.param('a')).get(f.param('b')).op('i32_add');
    });
    m.addFunction('sumTo', [['n', i32]], [i32], (f) => {
      const i = f.local(i32, 'i');
      const s = f.local(i32, 's');
      f.forRange(i, 0, f.param('n'), 1, () => {
        f.get(s).get(i).call(add).set(s);
      });
      f.get(s);
    });
    const ex = instantiate(m);
    expect(ex.add!(2, 40)).to.equal(42);
    expect(ex.sumTo!(10)).to.equal(45);
    expect(ex.sumTo!(0)).to.equal(0);
  });

  it('branches to labels by name, not by hand-counted depth', () => {
    const m = new ModuleBuilder();
    m.addFunction('firstAbove', [['limit', i32]], [i32], (f) => {
      const i = f.local(i32, 'i');
      f.block((found) => {
        f.loop((top) => {
          f.get(i).i32(1).op('i32_add').set(i);
          f.get(i).get(i).op('i32_mul').get(f.param('limit')).op('i32_gt_s').brIf(found);
          f.br(top);
        });
      });
      f.get(i);
    });
    expect(instantiate(m).firstAbove!(50)).to.equal(8);
  });

  it('rejects a shared memory without a maximum', () => {
    expect(() => new ModuleBuilder().importMemory('env', 'memory', { initial: 1, shared: true })).to.throw(RangeError);
  });
});

describe('wasm kernel module', () => {
  it('the runtime has SIMD and shared memory (Node 20)', () => {
    expect(simdSupported()).to.equal(true);
    expect(sharedMemorySupported()).to.equal(true);
  });

  for (const [mr, nr] of [[4, 8], [2, 16], [3, 8]] as const) {
    it(`validates with a ${mr}x${nr} tile (mul+add)`, () => {
      const bytes = buildKernelModule({ mr, nr, fma: false }, { initial: 1, maximum: 100, shared: true });
      expect(wasmApi!.validate(bytes)).to.equal(true);
      expect(bytes.length).to.be.below(16384);
    });
  }

  it('the FMA variant validates exactly when relaxed SIMD is available', () => {
    const bytes = buildKernelModule({ mr: 4, nr: 8, fma: true }, { initial: 1, maximum: 100, shared: true });
    expect(wasmApi!.validate(bytes)).to.equal(relaxedSimdSupported());
  });

  it('rejects a tile width that is not a multiple of 4', () => {
    expect(() => buildKernelModule({ mr: 4, nr: 6, fma: false }, { initial: 1, maximum: 1, shared: false })).to.throw(RangeError);
  });
});
