/** Neural-network layers on a Backend: Conv2D, Sequential (forward + backward), initialisation, geometry. */
export { Conv2D } from './conv2d.js';
export { Sequential } from './sequential.js';
export type { Param, ForwardResult, ForwardOptions, BackwardOptions } from './sequential.js';
export { netGeometry } from './geometry.js';
export type { NetGeometry, Sides } from './geometry.js';
export { initLayers, GaussianStream, PAPER_INIT_STD } from './init.js';
export type { InitOptions } from './init.js';
export { Workspace } from './workspace.js';
