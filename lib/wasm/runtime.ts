/**
 * Typed access to the host's `WebAssembly` object and feature detection.
 *
 * The project compiles against lib ES2022 without DOM typings, so the few parts of the JS API used
 * here are declared locally; the object itself is read from `globalThis` (undefined where the host
 * has no WebAssembly). Features are detected with `WebAssembly.validate` on tiny modules built by
 * the emitter, so detection never depends on flags or user-agent strings.
 */
import { ModuleBuilder, ValType } from './emitter.js';

/** A `WebAssembly.Memory`. With `shared: true`, `buffer` is a SharedArrayBuffer that grows in place. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}

/** A compiled `WebAssembly.Module` (opaque; can be posted to workers). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** A `WebAssembly.Instance`. */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

/** The parts of the `WebAssembly` namespace srcnn-ts uses. */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: new (desc: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** The host's WebAssembly object, or undefined. */
export const wasmApi: WasmApi | undefined = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** Size of a WebAssembly page in bytes. */
export const WASM_PAGE_BYTES = 65536;

function validates(build: (m: ModuleBuilder) => void): boolean {
  if (!wasmApi) return false;
  const m = new ModuleBuilder();
  build(m);
  try {
    return wasmApi.validate(m.encode());
  } catch {
    return false;
  }
}

let simdCache: boolean | undefined;
let relaxedCache: boolean | undefined;
let sharedCache: boolean | undefined;

/** True when the runtime validates 128-bit SIMD (`f32x4.mul`, `v128.load32_splat`, ...) without flags. */
export function simdSupported(): boolean {
  simdCache ??= validates((m) =>
    m.importMemory('env', 'memory', { initial: 1 }).addFunction('probe', [['p', ValType.i32]], [], (f) => {
      const v = f.local(ValType.v128, 'v');
      f.get(f.param('p')).mem('v128_load32_splat').set(v);
      f.get(f.param('p')).get(v).get(v).op('f32x4_mul').mem('v128_store');
    }),
  );
  return simdCache;
}

/** True when `f32x4.relaxed_madd` validates (relaxed SIMD; off by default in Node 20). */
export function relaxedSimdSupported(): boolean {
  relaxedCache ??= validates((m) =>
    m.addFunction('probe', [], [], (f) => {
      const v = f.local(ValType.v128, 'v');
      f.get(v).get(v).get(v).op('f32x4_relaxed_madd').set(v);
    }),
  );
  return relaxedCache;
}

/**
 * True when a shared `WebAssembly.Memory` can be created here (needs SharedArrayBuffer; in browsers,
 * a cross-origin-isolated page) and a module importing one validates.
 */
export function sharedMemorySupported(): boolean {
  if (sharedCache === undefined) {
    sharedCache = false;
    if (wasmApi && typeof SharedArrayBuffer !== 'undefined') {
      try {
        const mem = new wasmApi.Memory({ initial: 1, maximum: 1, shared: true });
        sharedCache = mem.buffer instanceof SharedArrayBuffer &&
          validates((m) => m.importMemory('env', 'memory', { initial: 1, maximum: 1, shared: true }));
      } catch {
        sharedCache = false;
      }
    }
  }
  return sharedCache;
}
