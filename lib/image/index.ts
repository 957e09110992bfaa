/**
 * Image area barrel: types, cropping, colour conversions, OpenCV and MATLAB resizing, degradation.
 * Other modules of lib/image (codecs) append their exports below.
 */
export * from './image.js';
export * from './crop.js';
export * from './color.js';
export { resize, resizeFloat } from './resize/index.js';
export type { Interpolation } from './resize/index.js';
export { imresize, imresizeU8 } from './imresize.js';
export type { ImresizeOptions } from './imresize.js';
export { degrade, degradePlane } from './degrade.js';
export type { DegradeInterpolation } from './degrade.js';
