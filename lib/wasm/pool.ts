/**
 * A pool of worker threads sharing one WebAssembly.Memory, and the loop those workers run.
 * No Node or DOM imports: the host supplies a {@link SpawnWasmWorker} (lib/node/wasm_workers.ts for
 * Node's worker_threads; a Web Worker wrapper in browsers) that starts a thread and hands it a
 * {@link WasmWorkerInit}; the thread then calls {@link runWasmWorker}.
 *
 * Protocol (all words in a control block in the shared memory, Int32, Atomics only):
 * - The caller publishes a job: DESC_GEN = -1, job fields, DONE = 0, DESC_GEN = gen,
 *   TICKET = (gen mod 4096) << 20, GEN = gen, then `Atomics.notify(GEN)`.
 * - Every participant (the caller and each awake worker) takes chunks with `Atomics.add(TICKET, 1)`
 *   until the ticket index reaches the job's chunk count. A ticket whose generation bits do not
 *   match DESC_GEN belongs to a finished job (a late worker) and is ignored; a job cannot finish
 *   while one of its valid tickets is unprocessed, so a valid ticket always reads its own job.
 * - Each finished chunk does `Atomics.add(DONE, 1)`; the one reaching the total notifies DONE. The
 *   caller waits on DONE, so a call returns only when every chunk is written.
 * Chunks are taken dynamically, which balances load when a core is busy with other work, and a
 * worker that has not started yet simply takes no chunks.
 */
import { BackendError } from '../errors.js';
import { F32_FIELDS, JOB_FIELDS, MAX_JOB_FIELDS, runChunk, type Job, type ThreadScratch } from './jobs.js';
import type { KernelExports } from './kernels.js';
import { wasmApi, type WasmMemory, type WasmModule } from './runtime.js';

/** Control block word indices. */
const GEN = 0;
const TICKET = 1;
const DONE = 2;
const SHUTDOWN = 3;
const FAILED = 4;
const DESC_GEN = 5;
const DESC = 6;
/** Int32 words of the control block. */
export const CONTROL_WORDS = DESC + MAX_JOB_FIELDS;
const GEN_BITS = 12;
const IDX_BITS = 32 - GEN_BITS;
const IDX_MASK = (1 << IDX_BITS) - 1;
const GEN_MASK = (1 << GEN_BITS) - 1;
/** Most chunks one job may have (the ticket index must not overflow into the generation bits). */
export const MAX_CHUNKS = 1 << (IDX_BITS - 1);

/** What a worker thread receives: everything to instantiate the kernels on the shared memory. */
export interface WasmWorkerInit {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  /** Byte address of the control block. */
  readonly control: number;
  readonly scratch: ThreadScratch;
}

/** A started worker thread. */
export interface WasmWorkerHandle {
  terminate(): void;
}

/**
 * Starts a thread that calls `runWasmWorker(init)` (the thread must not keep the host process alive,
 * e.g. Node's `worker.unref()`). Node: `spawnNodeWasmWorker` in lib/node/wasm_workers.ts.
 * @example A browser (cross-origin isolated page, so SharedArrayBuffer exists):
 * ```ts
 * // worker.js: self.onmessage = (e) => runWasmWorker(e.data);
 * const spawnWorker: SpawnWasmWorker = (init) => {
 *   const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
 *   w.postMessage(init);
 *   return { terminate: () => w.terminate() };
 * };
 * const backend = createBackend({ threads: navigator.hardwareConcurrency, spawnWorker });
 * ```
 */
export type SpawnWasmWorker = (init: WasmWorkerInit) => WasmWorkerHandle;

/** Scratch for reinterpreting float32 bits as int32 and back. */
const f32Bits = new Float32Array(1);
const i32Bits = new Int32Array(f32Bits.buffer);

function writeJob(ctl: Int32Array, job: Job): void {
  const fields = JOB_FIELDS[job.kind] as readonly string[];
  const rec = job as unknown as Record<string, number>;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    let word = rec[f]!;
    if (F32_FIELDS.has(f)) {
      f32Bits[0] = word;
      word = i32Bits[0]!;
    }
    Atomics.store(ctl, DESC + i, word);
  }
}

function readJob(ctl: Int32Array): Job {
  const kind = Atomics.load(ctl, DESC) as Job['kind'];
  const fields = JOB_FIELDS[kind] as readonly string[] | undefined;
  if (!fields) throw new BackendError(`wasm worker: unknown job kind ${kind}`);
  const rec: Record<string, number> = {};
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const word = Atomics.load(ctl, DESC + i);
    if (F32_FIELDS.has(f)) {
      i32Bits[0] = word;
      rec[f] = f32Bits[0]!;
    } else {
      rec[f] = word;
    }
  }
  return rec as unknown as Job;
}

/**
 * Takes and runs chunks of the published job until none are left; returns how many it ran.
 * `cache` holds the last job read (by generation) so a worker reads each job once.
 */
function drain(ctl: Int32Array, kx: KernelExports, scratch: ThreadScratch,
  cache: { gen: number; job: Job | null }): number {
  let ran = 0;
  for (;;) {
    const ticket = Atomics.add(ctl, TICKET, 1);
    const gen = ticket >>> IDX_BITS;
    const idx = ticket & IDX_MASK;
    const d = Atomics.load(ctl, DESC_GEN);
    if (d < 0 || (d & GEN_MASK) !== gen) return ran;
    if (cache.gen !== d || cache.job === null) {
      const job = readJob(ctl);
      if (Atomics.load(ctl, DESC_GEN) !== d) return ran;
      cache.gen = d;
      cache.job = job;
    }
    const job = cache.job;
    if (idx >= job.total) return ran;
    try {
      runChunk(kx, job, idx, scratch);
    } catch {
      Atomics.store(ctl, FAILED, 1);
    }
    ran++;
    if (Atomics.add(ctl, DONE, 1) + 1 === job.total) Atomics.notify(ctl, DONE);
  }
}

/**
 * The body of a worker thread: instantiates the kernels on the shared memory and runs chunks of
 * every job published until the pool shuts down. Blocks (Atomics.wait) between jobs.
 */
export function runWasmWorker(init: WasmWorkerInit): void {
  if (!wasmApi) throw new BackendError('wasm worker: no WebAssembly in this thread');
  const inst = new wasmApi.Instance(init.module, { env: { memory: init.memory } });
  const kx = inst.exports as unknown as KernelExports;
  const ctl = new Int32Array(init.memory.buffer, init.control, CONTROL_WORDS);
  const cache: { gen: number; job: Job | null } = { gen: -1, job: null };
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, GEN, seen);
    if (Atomics.load(ctl, SHUTDOWN) !== 0) return;
    seen = Atomics.load(ctl, GEN);
    drain(ctl, kx, init.scratch, cache);
  }
}

/** The calling thread's side of the pool: publishes jobs and works on them too. */
export class WasmThreadPool {
  private readonly ctl: Int32Array;
  private readonly workers: WasmWorkerHandle[] = [];
  private readonly cache: { gen: number; job: Job | null } = { gen: -1, job: null };
  private gen = 0;
  private disposed = false;
  /** Counters since creation: jobs run, chunks run, and chunks the calling thread ran itself. */
  readonly stats = { jobs: 0, chunks: 0, callerChunks: 0 };
  /** Whether this thread may block in Atomics.wait (false on a browser's main thread). */
  private readonly canBlock: boolean;

  /**
   * @param control - byte address of CONTROL_WORDS zeroed int32 words in `memory`.
   * @param workerScratch - one scratch per worker to start.
   */
  constructor(
    private readonly kx: KernelExports,
    memory: WasmMemory,
    module: WasmModule,
    control: number,
    private readonly scratch: ThreadScratch,
    workerScratch: readonly ThreadScratch[],
    spawn: SpawnWasmWorker,
  ) {
    this.ctl = new Int32Array(memory.buffer, control, CONTROL_WORDS);
    this.canBlock = probeCanBlock(this.ctl);
    for (const s of workerScratch) this.workers.push(spawn({ module, memory, control, scratch: s }));
  }

  /** Number of threads taking part in each job (workers + the caller). */
  get size(): number {
    return this.workers.length + 1;
  }

  /** Runs every chunk of `job` on the caller and the workers; returns when all are done. */
  run(job: Job): void {
    if (this.disposed) throw new BackendError('the wasm thread pool was disposed');
    if (job.total > MAX_CHUNKS) throw new BackendError(`job has ${job.total} chunks, more than ${MAX_CHUNKS}`);
    if (job.total === 0) return;
    const ctl = this.ctl;
    this.gen = (this.gen + 1) & 0x7fffffff;
    const gen = this.gen;
    Atomics.store(ctl, DESC_GEN, -1);
    writeJob(ctl, job);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAILED, 0);
    Atomics.store(ctl, DESC_GEN, gen);
    Atomics.store(ctl, TICKET, (gen & GEN_MASK) << IDX_BITS);
    Atomics.store(ctl, GEN, gen);
    Atomics.notify(ctl, GEN);
    this.cache.gen = gen;
    this.cache.job = job;
    const callerChunks = drain(ctl, this.kx, this.scratch, this.cache);
    this.stats.jobs++;
    this.stats.chunks += job.total;
    this.stats.callerChunks += callerChunks;
    for (let d = Atomics.load(ctl, DONE); d < job.total; d = Atomics.load(ctl, DONE)) {
      if (this.canBlock) Atomics.wait(ctl, DONE, d);
    }
    if (Atomics.load(ctl, FAILED) !== 0) throw new BackendError('a wasm worker failed while running a kernel chunk');
  }

  /** Stops the workers. The pool cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.ctl, SHUTDOWN, 1);
    Atomics.add(this.ctl, GEN, 1);
    Atomics.notify(this.ctl, GEN);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}

/** Atomics.wait throws on threads that may not block (a browser's main thread). */
function probeCanBlock(ctl: Int32Array): boolean {
  try {
    Atomics.wait(ctl, SHUTDOWN, 1, 0);
    return true;
  } catch {
    return false;
  }
}
