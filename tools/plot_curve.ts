/**
 * Renders a training curve from a run's log.jsonl as a small hand-written SVG: the training loss
 * (batch MSE, log axis, left) and the validation PSNR (right) against steps, with the target PSNR
 * as a dashed line.
 *
 *   node build/tools/plot_curve.js runs/x2/log.jsonl docs/training-x2.svg --title "9-1-5 x2" --target 36.34
 *
 * Several runs can be concatenated (e.g. a fine-tuned run after its parent): pass several logs;
 * each later log's steps are offset to follow the previous one when `--chain` is given.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Point {
  step: number;
  value: number;
}

const { values: opts, positionals } = parseArgs({
  options: { title: { type: 'string' }, target: { type: 'string' }, chain: { type: 'boolean' } },
  allowPositionals: true,
});
if (positionals.length < 2) {
  console.error('usage: plot_curve.js LOG.jsonl [LOG2.jsonl ...] OUT.svg [--title T] [--target dB] [--chain]');
  process.exit(2);
}
const out = positionals[positionals.length - 1]!;
const logs = positionals.slice(0, -1);

const loss: Point[] = [];
const psnr: Point[] = [];
let offset = 0;
for (const path of logs) {
  let maxStep = 0;
  const seen = new Map<string, Point>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { type: string; step?: number; loss?: number; psnr?: number };
    if (r.step === undefined) continue;
    maxStep = Math.max(maxStep, r.step);
    // a resumed run may repeat steps after its last checkpoint: keep the latest record per step
    if (r.type === 'train' && r.loss !== undefined) seen.set(`l${r.step}`, { step: r.step + offset, value: r.loss });
    if (r.type === 'val' && r.psnr !== undefined) seen.set(`v${r.step}`, { step: r.step + offset, value: r.psnr });
  }
  for (const [k, p] of seen) (k.startsWith('l') ? loss : psnr).push(p);
  if (opts.chain) offset += maxStep;
}
loss.sort((a, b) => a.step - b.step);
psnr.sort((a, b) => a.step - b.step);
if (loss.length === 0) throw new Error(`no training records in ${logs.join(', ')}`);

const W = 640, H = 300, padL = 60, padR = 60, padT = 30, padB = 40;
const plotW = W - padL - padR, plotH = H - padT - padB;
const maxStep = Math.max(loss[loss.length - 1]!.step, psnr.length ? psnr[psnr.length - 1]!.step : 0);
const x = (s: number): number => padL + (s / maxStep) * plotW;

const lmin = Math.log10(Math.min(...loss.map((p) => p.value)));
const lmax = Math.log10(Math.max(...loss.map((p) => p.value)));
const lLo = Math.floor(lmin * 2) / 2, lHi = Math.max(Math.ceil(lmax * 2) / 2, lLo + 0.5);
const yLoss = (v: number): number => padT + ((lHi - Math.log10(v)) / (lHi - lLo)) * plotH;

const target = opts.target !== undefined ? Number(opts.target) : null;
const pvals = psnr.map((p) => p.value).concat(target !== null ? [target] : []);
const pLo = pvals.length ? Math.floor(Math.min(...pvals.slice(Math.min(2, pvals.length - 1))) - 0.5) : 0;
const pHi = pvals.length ? Math.ceil(Math.max(...pvals) + 0.2) : 1;
const yPsnr = (v: number): number => padT + ((pHi - Math.min(pHi, Math.max(pLo, v))) / (pHi - pLo)) * plotH;

const f = (n: number): string => n.toFixed(1);
const path = (pts: Point[], y: (v: number) => number): string => pts.map((p, i) => `${i ? 'L' : 'M'}${f(x(p.step))},${f(y(p.value))}`).join('');

const parts: string[] = [];
parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${escapeXml(opts.title ?? 'training curve')}</text>`);
parts.push(`<rect x="${padL}" y="${padT}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
// x ticks
const xStep = niceStep(maxStep / 6);
for (let s = 0; s <= maxStep; s += xStep) {
  parts.push(`<line x1="${f(x(s))}" y1="${padT + plotH}" x2="${f(x(s))}" y2="${padT + plotH + 4}" stroke="#888"/>`);
  parts.push(`<text x="${f(x(s))}" y="${padT + plotH + 16}" text-anchor="middle">${s >= 1000 ? `${s / 1000}k` : s}</text>`);
}
parts.push(`<text x="${padL + plotW / 2}" y="${H - 6}" text-anchor="middle">steps</text>`);
// left axis: loss (log)
for (let e = lLo; e <= lHi + 1e-9; e += 0.5) {
  parts.push(`<line x1="${padL - 4}" y1="${f(yLoss(10 ** e))}" x2="${padL}" y2="${f(yLoss(10 ** e))}" stroke="#1f77b4"/>`);
  parts.push(`<text x="${padL - 6}" y="${f(yLoss(10 ** e) + 4)}" text-anchor="end" fill="#1f77b4">${(10 ** e).toExponential(0)}</text>`);
}
parts.push(`<text transform="translate(14 ${padT + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#1f77b4">train MSE (0..1 scale, log)</text>`);
parts.push(`<path d="${path(loss, yLoss)}" fill="none" stroke="#1f77b4" stroke-width="1" opacity="0.8"/>`);
// right axis: PSNR
if (psnr.length) {
  for (let v = pLo; v <= pHi + 1e-9; v += niceStep((pHi - pLo) / 5)) {
    parts.push(`<line x1="${padL + plotW}" y1="${f(yPsnr(v))}" x2="${padL + plotW + 4}" y2="${f(yPsnr(v))}" stroke="#d62728"/>`);
    parts.push(`<text x="${padL + plotW + 6}" y="${f(yPsnr(v) + 4)}" fill="#d62728">${v.toFixed(1)}</text>`);
  }
  parts.push(`<text transform="translate(${W - 12} ${padT + plotH / 2}) rotate(90)" text-anchor="middle" fill="#d62728">Set5 PSNR (dB, paper protocol)</text>`);
  parts.push(`<path d="${path(psnr, yPsnr)}" fill="none" stroke="#d62728" stroke-width="1.5"/>`);
  for (const p of psnr) parts.push(`<circle cx="${f(x(p.step))}" cy="${f(yPsnr(p.value))}" r="1.8" fill="#d62728"/>`);
  const best = psnr.reduce((a, b) => (b.value > a.value ? b : a));
  parts.push(`<text x="${padL + plotW - 4}" y="${padT + plotH - 8}" text-anchor="end" fill="#d62728">best ${best.value.toFixed(2)} dB @ ${best.step}</text>`);
}
if (target !== null) {
  parts.push(`<line x1="${padL}" y1="${f(yPsnr(target))}" x2="${padL + plotW}" y2="${f(yPsnr(target))}" stroke="#d62728" stroke-dasharray="4 3" opacity="0.6"/>`);
  parts.push(`<text x="${padL + 4}" y="${f(yPsnr(target) - 4)}" fill="#d62728" opacity="0.8">target ${target.toFixed(2)} dB</text>`);
}
parts.push('</svg>');
writeFileSync(out, `${parts.join('\n')}\n`);
console.log(`wrote ${out} (${loss.length} loss points, ${psnr.length} validations)`);

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
