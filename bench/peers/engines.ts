/**
 * The engines of the peer benchmark behind one interface: srcnn-ts ('wasm-simd' on 1..N threads and
 * the scalar 'js' backend, through `Sequential`), tfjs 4.22 (cpu and wasm backends, `tf.fused.conv2d`
 * with bias and ReLU fused) and onnxruntime-web (wasm execution provider, in worker threads).
 *
 * What one timed run does in every engine: copy the input plane in (srcnn-ts: `Sequential.forward`
 * copies it into backend memory; tfjs: `tf.tensor4d`; onnxruntime: `session.run` copies the input
 * tensor into its heap), run the three layers, and read the output back into a JS Float32Array
 * (`slice` of the workspace view, `dataSync`, the output tensor's data). Weights are loaded before.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths, getThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import type { Backend } from '../../lib/backend/backend.js';
import { createNodeBackend } from '../../lib/node/wasm_workers.js';
import { Sequential } from '../../lib/nn/sequential.js';
import { toHwio, type PeerCase } from './models.js';
import { srcnnOnnx } from './onnx.js';
import type { OrtReply, OrtRequest } from './ort_worker.js';

/** An engine loaded with one case's network. */
export interface PreparedNet {
  /** One forward pass (input in, output read back). */
  run(): Promise<void> | void;
  /** The output of the last run (NCHW, 1 x 1 x outH x outW). */
  output(): Promise<Float32Array>;
  dispose(): Promise<void> | void;
}

/** One engine configuration (library, backend, thread count). */
export interface Engine {
  /** Short key used in row names, e.g. 'wasm-simd', 'tfjs-wasm', 'ort-web'. */
  readonly key: string;
  /** Library and version, e.g. 'tfjs-backend-wasm 4.22.0 (XNNPACK, SIMD)'. */
  readonly label: string;
  /** Threads the engine computes on (as the engine reports it where it can). */
  readonly threads: number;
  prepare(c: PeerCase): Promise<PreparedNet>;
  /** Frees the engine (thread pools, workers). */
  close(): Promise<void>;
}

/** srcnn-ts on `createNodeBackend({ backend, threads })`. */
export function srcnnTsEngine(backend: 'wasm-simd' | 'js', threads: number): Engine {
  const be: Backend = createNodeBackend({ backend, threads });
  return {
    key: backend,
    label: `srcnn-ts ${backend}`,
    threads: be.threads,
    prepare(c) {
      const net = new Sequential(c.layers, be);
      let last: Float32Array = new Float32Array(0);
      return Promise.resolve({
        run: () => {
          last = net.forward(c.x, 1, c.h, c.w).data.slice();
        },
        output: () => Promise.resolve(last),
        dispose: () => net.dispose(),
      });
    },
    close() {
      be.dispose();
      return Promise.resolve();
    },
  };
}

let wasmPathsSet = false;

/**
 * tfjs with its 'cpu' (pure JS) or 'wasm' backend. tfjs-backend-wasm loads
 * tfjs-backend-wasm-simd.wasm from its package's dist folder; it runs 1 thread in Node (its
 * multithread check is false there, tfjs issue #3830).
 */
export async function tfjsEngine(backend: 'cpu' | 'wasm'): Promise<Engine> {
  if (backend === 'wasm' && !wasmPathsSet) {
    const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(`${dirname(entry)}/`);
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' failed to initialise`);
  await tf.ready();
  const simd = backend === 'wasm' && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  return {
    key: `tfjs-${backend}`,
    label: backend === 'cpu' ? `tfjs-backend-cpu ${version_cpu} (pure JS)` : `tfjs-backend-wasm ${version_wasm} (XNNPACK${simd ? ', SIMD' : ''})`,
    threads: backend === 'wasm' ? getThreadsCount() : 1,
    async prepare(c) {
      await tf.setBackend(backend);
      const filters = c.layers.map((l) => tf.tensor4d(toHwio(l), [l.spec.kernel[0], l.spec.kernel[1], l.spec.in, l.spec.out]));
      const biases = c.layers.map((l) => tf.tensor1d(l.bias));
      let last: Float32Array = new Float32Array(0);
      return {
        run: () => {
          const y = tf.tidy(() => {
            let cur = tf.tensor4d(c.x, [1, c.h, c.w, 1]);
            c.layers.forEach((l, i) => {
              cur = tf.fused.conv2d({
                x: cur, filter: filters[i]!, strides: 1, pad: l.spec.padding, bias: biases[i]!,
                activation: l.spec.activation === 'relu' ? 'relu' : 'linear',
              });
            });
            return cur;
          });
          last = y.dataSync() as Float32Array;
          y.dispose();
        },
        output: () => Promise.resolve(last),
        dispose: () => tf.dispose([...filters, ...biases]),
      };
    },
    close: () => Promise.resolve(),
  };
}

/** A worker running bench/peers/ort_worker.ts, with requests answered in order. */
class OrtWorker {
  private readonly worker: Worker;
  private readonly waiting: ((r: OrtReply) => void)[] = [];
  private failure: Error | null = null;

  constructor(threads: number) {
    this.worker = new Worker(new URL('./ort_worker.js', import.meta.url), { workerData: { threads } });
    this.worker.on('message', (r: OrtReply) => this.waiting.shift()?.(r));
    this.worker.on('error', (e: Error) => {
      this.failure = e;
      for (const w of this.waiting.splice(0)) w({ ok: false, error: e.message });
    });
  }

  async request(req: OrtRequest, transfer: ArrayBuffer[] = []): Promise<OrtReply & { ok: true }> {
    if (this.failure) throw this.failure;
    const reply = await new Promise<OrtReply>((resolve) => {
      this.waiting.push(resolve);
      this.worker.postMessage(req, transfer);
    });
    if (!reply.ok) throw new Error(`onnxruntime-web worker: ${reply.error}`);
    return reply;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/**
 * onnxruntime-web (wasm execution provider, SIMD + threads build) on `threads` threads, in a worker
 * thread of this process. The network is a hand-written ONNX model (bench/peers/onnx.ts) with a
 * fixed input shape per case.
 */
export function ortWebEngine(threads: number): Engine {
  const worker = new OrtWorker(threads);
  let version = '';
  return {
    key: 'ort-web',
    get label() {
      return `onnxruntime-web ${version || '(not loaded yet)'} (wasm EP, SIMD)`;
    },
    threads,
    async prepare(c) {
      const model = srcnnOnnx(c.layers, c.h, c.w);
      const x = c.x.slice();
      const r = await worker.request({ op: 'prepare', model, dims: [1, 1, c.h, c.w], x }, [model.buffer as ArrayBuffer, x.buffer]);
      version = r.version ?? '';
      return {
        run: async () => {
          await worker.request({ op: 'run' });
        },
        output: async () => (await worker.request({ op: 'output' })).y!,
        dispose: async () => {
          await worker.request({ op: 'release' });
        },
      };
    },
    async close() {
      await worker.terminate();
    },
  };
}
