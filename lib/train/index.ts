/** SRCNN training: data, loss, optimizers, the training loop, checkpoints and validation. */
export {
  makeTrainingPair, extractPatches, validMargin, dihedralCopy, PatchSampler, datasetChecksum,
} from './data.js';
export type { TrainingPair, PatchOptions, PatchSet, SamplerPosition, SamplerOptions, DataFile } from './data.js';
export { mseLoss } from './loss.js';
export { createSgd, createAdam, scheduledLr } from './optimizers.js';
export type {
  TrainableParam, Optimizer, OptimizerKind, OptimizerState, LrMultipliers, SgdOptions, AdamOptions, LrSchedule,
} from './optimizers.js';
export { Trainer, runTraining } from './loop.js';
export type { TrainableNet, TrainerOptions, ValidationResult, StepLog, RunOptions, RunSummary } from './loop.js';
export { CHECKPOINT_FORMAT, encodeCheckpoint, decodeCheckpoint } from './checkpoint.js';
export type { Checkpoint, CheckpointState } from './checkpoint.js';
export {
  validSpecs, sameReplicateSpecs, specsMargin, heStd, createTrainingNet, createInferenceNet, copyParams, paperLrMultipliers,
} from './model.js';
export type { InitialLayer } from './model.js';
export { prepareEvalSet, evaluateNet } from './validate.js';
export type { EvalImage } from './validate.js';
export { Mulberry32, deriveSeed, shuffleInPlace } from './rng.js';
export { Sha256, sha256Hex } from './sha256.js';
