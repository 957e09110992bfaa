/**
 * A self-contained HTML evaluation report: for each image, Original / degraded / SRCNN side by side
 * with a nearest-neighbour zoom of the most detailed region and the scores under each picture (what
 * the Keras tutorial drew with matplotlib), plus a table of per-image and mean scores.
 *
 * The page has no external resources and no script: pictures are PNG `data:` URIs, styles are
 * inline CSS, zooms use `image-rendering: pixelated`. PNG encoding is passed in
 * ({@link ReportOptions.encodePng}) so this module stays browser-safe: in Node pass `encodePng` from
 * `image/png_encode.ts`; in a browser, any encoder returning PNG bytes.
 *
 * Pictures are encoded as they are added ({@link HtmlReport.add}); the report keeps only the
 * encoded page fragments, so a long run does not hold every image in memory.
 */
import { ValueError } from '../errors.js';
import { crop } from '../image/crop.js';
import type { Image } from '../image/image.js';
import { meanEvalResult, type EvalResult } from '../metrics/evaluate.js';
import type { Rect } from '../model/tiling.js';
import type { ModelEvaluation, ModelProtocol } from '../pipeline/evaluate_model.js';
import { bytesToBase64 } from '../util/base64.js';
import { highestDetailWindow } from './zoom.js';

/** Encodes an 8-bit image (1-4 channels) as PNG bytes. */
export type PngEncoder = (image: Image) => Uint8Array;

/** What was evaluated: shown in the page header. */
export interface ReportInfo {
  protocol: ModelProtocol;
  scale: number;
  /** Where the weights came from (a path or a description). */
  weights: string;
  /** Whether the tutorial's column-dropping modcrop was used ('tutorial' only). @defaultValue false */
  tutorialModcrop?: boolean;
  /** Page title. @defaultValue 'SRCNN evaluation' */
  title?: string;
}

/** Options of {@link HtmlReport}. */
export interface ReportOptions {
  encodePng: PngEncoder;
  /** Zoom factor of the detail crops (nearest neighbour). @defaultValue 4 */
  zoom?: number;
  /** Side of the detail window in image pixels (at most half the picture's short side). @defaultValue 96 */
  window?: number;
}

/** Target display width of the pictures in CSS pixels (a column of the 3-up layout at 1400 px). */
const DISPLAY_WIDTH = 384;

interface Row {
  name: string;
  bicubic: EvalResult;
  srcnn: EvalResult;
}

const PROTOCOL_TEXT: Record<ModelProtocol, { degraded: string; describe: (info: ReportInfo) => string }> = {
  paper: {
    degraded: 'Bicubic',
    describe: (i) => `SRCNN authors' demo_SR.m: MATLAB bicubic down and up by ${i.scale}, scores on the MATLAB Y channel (uint8), ${i.scale} px border shaved, SSIM of Wang's ssim_index`,
  },
  tutorial: {
    degraded: 'Degraded (bilinear)',
    describe: (i) => `Keras SRCNN tutorial: OpenCV bilinear down and up by ${i.scale}, ${i.tutorialModcrop === true ? "the tutorial's modcrop(img, 3) (drops column 0)" : `modcrop to a multiple of ${i.scale}`}, scores on all 3 channels (MSE summed over the channels, as the tutorial's mse()), 6 px border shaved, scikit-image SSIM`,
  },
};

/** Builds the report page one image at a time. */
export class HtmlReport {
  private readonly info: ReportInfo;
  private readonly encodePng: PngEncoder;
  private readonly zoom: number;
  private readonly window: number;
  private readonly rows: Row[] = [];
  private readonly sections: string[] = [];

  constructor(info: ReportInfo, opts: ReportOptions) {
    const zoom = opts.zoom ?? 4, window = opts.window ?? 96;
    if (!Number.isSafeInteger(zoom) || zoom < 1) throw new ValueError(`HtmlReport: zoom must be a positive integer, got ${zoom}`);
    if (!Number.isSafeInteger(window) || window < 1) throw new ValueError(`HtmlReport: window must be a positive integer, got ${window}`);
    this.info = info;
    this.encodePng = opts.encodePng;
    this.zoom = zoom;
    this.window = window;
  }

  /** Number of images added. */
  get count(): number {
    return this.rows.length;
  }

  /**
   * Adds one image's evaluation; it must carry its pictures (`evaluateModel(.., { keepImages: true })`).
   * @throws ValueError when `evaluation.images` is missing or its pictures differ in size.
   */
  add(name: string, evaluation: ModelEvaluation): void {
    const pics = evaluation.images;
    if (!pics) throw new ValueError(`HtmlReport.add(${name}): the evaluation has no pictures; evaluate with keepImages: true`);
    const { original, degraded, output } = pics;
    for (const p of [degraded, output]) {
      if (p.width !== original.width || p.height !== original.height) {
        throw new ValueError(`HtmlReport.add(${name}): pictures must have one size, got ${original.width}x${original.height} and ${p.width}x${p.height}`);
      }
    }
    const index = this.rows.length + 1;
    // Small pictures are enlarged by an integer factor (nearest neighbour) towards a 384 px column.
    const enlarge = Math.max(1, Math.min(4, Math.floor(DISPLAY_WIDTH / Math.max(original.width, original.height))));
    const row = { name, bicubic: evaluation.bicubic, srcnn: evaluation.srcnn };
    // At most half the short side, so the detail stays a detail of small pictures.
    const roi = highestDetailWindow(original, Math.max(1, Math.min(this.window, Math.floor(Math.min(original.width, original.height) / 2))));
    const degradedLabel = PROTOCOL_TEXT[this.info.protocol].degraded;
    const figures = [
      this.figure('Original', original, roi, enlarge, '<p class="ref">reference</p>'),
      this.figure(degradedLabel, degraded, roi, enlarge, scoreList(row.bicubic, null)),
      this.figure('SRCNN', output, roi, enlarge, scoreList(row.srcnn, row.bicubic)),
    ].join('\n');
    this.sections.push(`<section class="image" id="image-${index}">
<h2><span class="idx">${index}</span> ${esc(name)} <span class="dim">${original.width}&times;${original.height}${enlarge > 1 ? ` shown &times;${enlarge}` : ''}, detail ${roi.width}&times;${roi.height} at (${roi.x}, ${roi.y}) shown &times;${this.zoom}</span></h2>
<div class="triptych">
${figures}
</div>
</section>`);
    this.rows.push(row);
  }

  /** The whole page. */
  render(): string {
    const info = this.info;
    const title = info.title ?? 'SRCNN evaluation';
    const n = this.rows.length;
    const degradedLabel = PROTOCOL_TEXT[info.protocol].degraded;
    const mean = { bicubic: meanEvalResult(this.rows.map((r) => r.bicubic)), srcnn: meanEvalResult(this.rows.map((r) => r.srcnn)) };
    const perImage = this.rows.map((r, i) => `<tr><td class="name"><a href="#image-${i + 1}">${esc(r.name)}</a></td>${cells(r.bicubic)}${cells(r.srcnn)}${gainCell(r.srcnn.psnr - r.bicubic.psnr)}</tr>`).join('\n');
    const meanRow = n > 0 ? `<tr class="mean"><td class="name">Mean of ${n}</td>${cells(mean.bicubic)}${cells(mean.srcnn)}${gainCell(mean.srcnn.psnr - mean.bicubic.psnr)}</tr>` : '';
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}: ${esc(info.protocol)} protocol, &times;${info.scale}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<dl class="info">
<dt>Protocol</dt><dd><b>${esc(info.protocol)}</b>: ${esc(PROTOCOL_TEXT[info.protocol].describe(info))}</dd>
<dt>Scale</dt><dd>&times;${info.scale}</dd>
<dt>Weights</dt><dd><code>${esc(info.weights)}</code></dd>
<dt>Images</dt><dd>${n}</dd>
</dl>
</header>
<main>
<section class="summary">
<h2>Scores</h2>
<table class="scores">
<thead>
<tr><th rowspan="2" class="name">Image</th><th colspan="3">${esc(degradedLabel)}</th><th colspan="3">SRCNN</th><th rowspan="2">Gain<br>(dB)</th></tr>
<tr><th>PSNR (dB)</th><th>SSIM</th><th>MSE</th><th>PSNR (dB)</th><th>SSIM</th><th>MSE</th></tr>
</thead>
<tbody>
${perImage}
</tbody>
<tfoot>
${meanRow}
</tfoot>
</table>
</section>
${this.sections.join('\n')}
</main>
<footer>Made by srcnn-ts. Scores follow the protocol above; the pictures are 8-bit colour renderings of the same images. Zoomed details use nearest-neighbour scaling.</footer>
</body>
</html>
`;
  }

  private figure(label: string, img: Image, roi: Rect, enlarge: number, scores: string): string {
    const z = this.zoom;
    const detail = crop(img, roi.x, roi.y, roi.width, roi.height);
    const pct = (v: number, of: number): string => `${((100 * v) / of).toFixed(3)}%`;
    const box = `left:${pct(roi.x, img.width)};top:${pct(roi.y, img.height)};width:${pct(roi.width, img.width)};height:${pct(roi.height, img.height)}`;
    return `<figure>
<figcaption>${esc(label)}</figcaption>
<div class="frame" style="max-width:${img.width * enlarge}px"><img${enlarge > 1 ? ' class="px"' : ''} src="${this.dataUri(img)}" width="${img.width}" height="${img.height}" alt="${esc(label)}"><span class="roi" style="${box}"></span></div>
<img class="zoom" src="${this.dataUri(detail)}" width="${roi.width * z}" height="${roi.height * z}" alt="${esc(label)}, detail &times;${z}">
${scores}
</figure>`;
  }

  private dataUri(img: Image): string {
    return `data:image/png;base64,${bytesToBase64(this.encodePng(img))}`;
  }
}

/** PSNR / SSIM / MSE of one picture, with the PSNR change against `base` when given. */
function scoreList(r: EvalResult, base: EvalResult | null): string {
  const gain = base === null ? '' : ` <span class="${gainClass(r.psnr - base.psnr)}">(${signed(r.psnr - base.psnr, 2)})</span>`;
  return `<dl class="score"><dt>PSNR</dt><dd>${fmt(r.psnr, 2)} dB${gain}</dd><dt>SSIM</dt><dd>${fmt(r.ssim, 4)}</dd><dt>MSE</dt><dd>${fmt(r.mse, 2)}</dd></dl>`;
}

function cells(r: EvalResult): string {
  return `<td>${fmt(r.psnr, 4)}</td><td>${fmt(r.ssim, 5)}</td><td>${fmt(r.mse, 2)}</td>`;
}

function gainCell(d: number): string {
  return `<td class="${gainClass(d)}">${signed(d, 4)}</td>`;
}

function gainClass(d: number): string {
  return d > 0 ? 'up' : d < 0 ? 'down' : 'same';
}

function fmt(v: number, digits: number): string {
  if (Number.isNaN(v)) return '&ndash;';
  return Number.isFinite(v) ? v.toFixed(digits) : v > 0 ? '&infin;' : '&minus;&infin;';
}

function signed(v: number, digits: number): string {
  if (!Number.isFinite(v)) return fmt(v, digits);
  return v < 0 ? `&minus;${(-v).toFixed(digits)}` : `+${v.toFixed(digits)}`;
}

/** Escapes text for HTML element content and double-quoted attributes. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
:root { --fg: #1f2328; --dim: #656d76; --line: #d0d7de; --bg: #ffffff; --card: #f6f8fa; --up: #1a7f37; --down: #cf222e; --roi: #e5484d; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main, footer { max-width: 1360px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 26px; margin: 0 0 12px; }
h2 { font-size: 18px; margin: 0 0 12px; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
dl.info { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 20px; }
dl.info dt { color: var(--dim); }
dl.info dd { margin: 0; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 0 0 20px; }
table.scores { border-collapse: collapse; font-variant-numeric: tabular-nums; width: 100%; background: var(--bg); }
table.scores th, table.scores td { border: 1px solid var(--line); padding: 4px 10px; text-align: right; }
table.scores th { background: var(--card); font-weight: 600; text-align: center; }
table.scores .name { text-align: left; }
table.scores tfoot td { font-weight: 600; border-top: 2px solid var(--fg); }
a { color: inherit; }
.up { color: var(--up); }
.down { color: var(--down); }
.dim { color: var(--dim); font-weight: 400; font-size: 14px; margin-left: 8px; }
.idx { display: inline-block; min-width: 26px; padding: 0 6px; border-radius: 13px; background: var(--fg); color: var(--bg); text-align: center; font-size: 14px; }
.triptych { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 16px; align-items: start; }
figure { margin: 0; display: flex; flex-direction: column; align-items: center; gap: 8px; min-width: 0; }
figcaption { font-weight: 600; font-size: 16px; }
.frame { position: relative; width: 100%; line-height: 0; }
.frame img { display: block; width: 100%; height: auto; }
.roi { position: absolute; border: 2px solid var(--roi); box-shadow: 0 0 0 1px #fff; pointer-events: none; }
.frame img.px { image-rendering: crisp-edges; image-rendering: pixelated; }
img.zoom { display: block; max-width: 100%; height: auto; image-rendering: crisp-edges; image-rendering: pixelated; border: 2px solid var(--roi); }
dl.score { display: grid; grid-template-columns: max-content max-content; gap: 0 12px; margin: 0; font-variant-numeric: tabular-nums; }
dl.score dt { color: var(--dim); }
dl.score dd { margin: 0; text-align: right; }
p.ref { margin: 0; color: var(--dim); }
footer { color: var(--dim); font-size: 13px; padding-bottom: 24px; }
`;
