/** Options shared by the commands that run a model (upscale, eval). */
import { srcnn } from '../node/srcnn.js';
import { readWeightsFile } from '../node/weights_file.js';
import type { SrcnnModel } from '../pipeline/srcnn.js';
import { choice, optInt, optStr, type OptionSpecs, type Parsed } from './args.js';

export const MODEL_OPTIONS: OptionSpecs = {
  weights: { type: 'string', arg: 'file', help: 'weights file (.safetensors, reference .json, Keras .h5); default: the shipped 9-1-5 weights for --scale' },
  arch: { type: 'string', arg: 'name', help: 'shipped architecture to load when --weights is not given', default: '9-1-5' },
  backend: { type: 'string', arg: 'name', help: 'auto | js | wasm-simd', default: 'auto' },
  threads: { type: 'string', arg: 'n', help: 'worker threads (default: one per core)' },
  tile: { type: 'string', arg: 'px', help: 'output tile side in pixels (bounds memory)' },
};

/** Builds the model the options describe (shipped weights unless --weights). */
export async function modelFromArgs(p: Parsed, scale: number): Promise<SrcnnModel> {
  const file = optStr(p, 'weights');
  const backend = choice(p, 'backend', ['auto', 'js', 'wasm-simd'] as const, 'auto');
  const threads = optInt(p, 'threads', 1, 64);
  const tileSize = optInt(p, 'tile', 16, 1 << 15);
  const common = { scale, backend, ...(threads !== undefined ? { threads } : {}), ...(tileSize !== undefined ? { tileSize } : {}) };
  if (file !== undefined) return srcnn({ ...common, weights: await readWeightsFile(file, { scale }) });
  return srcnn({ ...common, arch: optStr(p, 'arch') ?? '9-1-5' });
}
