/**
 * srcnn-ts/node: the Node-only part of the API (file I/O). Everything here may import `node:*`.
 */
export { formatFromPath, readImageFile, writeFileAtomic, writeImageFile } from './io.js';
export type { WriteImageOptions } from './io.js';
