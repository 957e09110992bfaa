/** Scalar TypeScript kernels (destination first, dense float32; activations NCHW, weights OIHW). */
export { convInfo, convMacs } from './conv_info.js';
export type { ConvInfo, Padding, PaddingMode } from './conv_info.js';
export { gemm } from './gemm.js';
export { im2col } from './im2col.js';
export { col2im } from './col2im.js';
export { conv2d } from './conv2d.js';
export { conv2dDirect } from './conv2d_direct.js';
export { conv2dBackpropInput } from './conv2d_backprop_input.js';
export { conv2dBackpropFilter } from './conv2d_backprop_filter.js';
export { reluBackward } from './relu_backward.js';
export { COL_TILE_FLOATS, bandRows } from './col_tiles.js';
