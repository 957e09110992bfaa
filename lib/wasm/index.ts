/**
 * The run-time WebAssembly layer: a typed module emitter, the SIMD128 kernel module, the heap over
 * its memory and the worker pool protocol. The backend built on it is lib/backend/wasm.ts.
 */
export { ModuleBuilder, FunctionBuilder, ValType } from './emitter.js';
export type { Label, Local, MemoryLimits } from './emitter.js';
export { Op, naturalAlign } from './opcodes.js';
export type { MemOpName, OpName } from './opcodes.js';
export { sleb, uleb } from './leb128.js';
export { EpilogueFlag, KERNEL_NAMES, buildKernelModule } from './kernels.js';
export type { KernelExports, KernelSpec, MemorySpec } from './kernels.js';
export { WasmHeap, HEAP_ALIGN } from './heap.js';
export { WasmThreadPool, runWasmWorker } from './pool.js';
export type { SpawnWasmWorker, WasmWorkerHandle, WasmWorkerInit } from './pool.js';
export { WASM_PAGE_BYTES, relaxedSimdSupported, sharedMemorySupported, simdSupported, wasmApi } from './runtime.js';
export type { WasmApi, WasmInstance, WasmMemory, WasmModule } from './runtime.js';
