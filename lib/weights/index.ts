/** Weights: the in-memory model description and its file formats (browser-safe: bytes in, bytes out). */
export { architectureOf, isColourConvention, validateWeights } from './types.js';
export type { Activation, ColourConvention, LayerSpec, LayerWeights, SrcnnWeights, WeightsMeta } from './types.js';
export { hwioToOihw } from './layout.js';
export {
  MAX_HEADER_BYTES,
  SRCNN_FORMAT,
  decodeSafetensors,
  decodeSrcnnWeights,
  encodeSafetensors,
  encodeSrcnnWeights,
} from './safetensors.js';
export type { SafetensorsArrays, SafetensorsDtype, SafetensorsFile, SafetensorsTensor } from './safetensors.js';
export { parseReferenceJson } from './reference_json.js';
export { shippedWeights, shippedWeightsKeys } from './shipped.js';
export { KERAS_TUTORIAL_PADDINGS, parseKerasH5 } from './keras_h5.js';
export type { KerasH5Options, KerasPadding } from './keras_h5.js';
