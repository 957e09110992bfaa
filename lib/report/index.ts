/** Evaluation reports: a self-contained HTML page of pictures and scores (browser-safe). */
export { HtmlReport } from './html.js';
export type { PngEncoder, ReportInfo, ReportOptions } from './html.js';
export { highestDetailWindow } from './zoom.js';
export { bytesToBase64 } from '../util/base64.js';
