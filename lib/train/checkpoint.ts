/**
 * Training checkpoints as safetensors: everything a run needs to continue bit for bit.
 *
 * Tensors (all F32):
 * - `param/<name>`: each trainable parameter (names as the network reports them);
 * - `opt/<key>`: each optimizer buffer (`m/<name>`, `v/<name>` for Adam, `velocity/<name>` for SGD).
 *
 * `__metadata__` holds `format` = `'srcnn-ts-checkpoint/1'` and `state`, the JSON of
 * {@link CheckpointState} (step, sampler position, best validation PSNR, run configuration...).
 */
import { DecodeError } from '../errors.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from '../weights/safetensors.js';
import type { OptimizerKind, OptimizerState } from './optimizers.js';

/** `__metadata__.format` of checkpoint files. */
export const CHECKPOINT_FORMAT = 'srcnn-ts-checkpoint/1';

/** The scalar part of a checkpoint. */
export interface CheckpointState {
  /** Completed optimizer steps. */
  step: number;
  /** Sampler position of the next batch. */
  epoch: number;
  batchInEpoch: number;
  /** Best validation PSNR so far (dB) and the step it was reached at; null before any validation. */
  bestPsnr: number | null;
  bestStep: number | null;
  /** Last validation result, if any. */
  lastPsnr: number | null;
  /** Training time spent so far (seconds, summed over resumed sessions). */
  elapsedSeconds: number;
  /** The run configuration (free-form JSON, e.g. the trainer's config and the data checksum). */
  config: Record<string, unknown>;
}

/** A decoded checkpoint. */
export interface Checkpoint {
  state: CheckpointState;
  params: Record<string, Float32Array>;
  optimizer: OptimizerState;
}

function f32(data: Float32Array): SafetensorsTensor {
  return { dtype: 'F32', shape: [data.length], data };
}

/** Serialises a checkpoint. */
export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, v] of Object.entries(c.params)) tensors[`param/${name}`] = f32(v);
  for (const [key, v] of Object.entries(c.optimizer.buffers)) tensors[`opt/${key}`] = f32(v);
  const state = { ...c.state, optimizer: { kind: c.optimizer.kind, step: c.optimizer.step } };
  return encodeSafetensors(tensors, { format: CHECKPOINT_FORMAT, state: JSON.stringify(state) });
}

/**
 * Parses a checkpoint written by {@link encodeCheckpoint}.
 * @throws DecodeError naming `source` when the bytes are not a checkpoint.
 */
export function decodeCheckpoint(bytes: Uint8Array, source = '<buffer>'): Checkpoint {
  const file = decodeSafetensors(bytes, source);
  if (file.metadata['format'] !== CHECKPOINT_FORMAT) {
    throw new DecodeError(source, `not a training checkpoint (format ${JSON.stringify(file.metadata['format'])}, expected '${CHECKPOINT_FORMAT}')`);
  }
  let parsed: CheckpointState & { optimizer: { kind: OptimizerKind; step: number } };
  try {
    parsed = JSON.parse(file.metadata['state'] ?? '') as typeof parsed;
  } catch (e) {
    throw new DecodeError(source, 'checkpoint state metadata is not valid JSON', { cause: e });
  }
  const params: Record<string, Float32Array> = {};
  const buffers: Record<string, Float32Array> = {};
  for (const [key, t] of Object.entries(file.tensors)) {
    if (t.dtype !== 'F32') throw new DecodeError(source, `checkpoint tensor '${key}' is ${t.dtype}, expected F32`);
    if (key.startsWith('param/')) params[key.slice(6)] = t.data;
    else if (key.startsWith('opt/')) buffers[key.slice(4)] = t.data;
    else throw new DecodeError(source, `unexpected checkpoint tensor '${key}'`);
  }
  const { optimizer, ...state } = parsed;
  return { state, params, optimizer: { kind: optimizer.kind, step: optimizer.step, buffers } };
}
