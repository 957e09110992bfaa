/**
 * Worker-thread entry that runs onnxruntime-web (wasm execution provider) for the peer benchmark.
 *
 * onnxruntime-web sizes its intra-op thread pool once, when its wasm module initialises
 * (`ort.env.wasm.numThreads`), and ignores per-session thread options, so each thread count runs
 * in its own worker thread with its own copy of the module. `workerData.threads` is that count.
 *
 * Requests ({@link OrtRequest}) are answered in order with {@link OrtReply}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-web';

/** A request from the benchmark thread. */
export type OrtRequest =
  | { op: 'prepare'; model: Uint8Array; dims: number[]; x: Float32Array }
  | { op: 'run' }
  | { op: 'output' }
  | { op: 'release' };

/** The answer to one request; `y` only for 'output', `version` only for 'prepare'. */
export type OrtReply = { ok: true; y?: Float32Array; version?: string } | { ok: false; error: string };

const port = parentPort!;
ort.env.wasm.numThreads = (workerData as { threads: number }).threads;

let session: ort.InferenceSession | null = null;
let input: ort.Tensor | null = null;
let last: Float32Array | null = null;

async function handle(req: OrtRequest): Promise<OrtReply> {
  switch (req.op) {
    case 'prepare':
      await session?.release();
      session = await ort.InferenceSession.create(req.model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      input = new ort.Tensor('float32', req.x, req.dims);
      return { ok: true, version: ort.env.versions.web ?? 'unknown' };
    case 'run': {
      const out = await session!.run({ x: input! });
      last = out['y']!.data as Float32Array;
      return { ok: true };
    }
    case 'output':
      return { ok: true, y: last! };
    case 'release':
      await session?.release();
      session = null;
      input = null;
      last = null;
      return { ok: true };
  }
}

port.on('message', (req: OrtRequest) => {
  handle(req).then(
    (reply) => port.postMessage(reply),
    (e: unknown) => port.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) } satisfies OrtReply),
  );
});
