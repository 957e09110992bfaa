/**
 * Renders an `srcnn-ts eval --report` page in headless Chromium and saves a screenshot, after checking
 * that the page is self-contained (every picture a PNG data: URI, no external URL). For eyeballing the
 * layout; CI has no Chromium, so this is a script, not a test (spec/unit/report/html.spec.ts checks the
 * page structure).
 *
 * Usage (the committed docs/images/report-screenshot.png was made with exactly these commands):
 *   npx tsc -p tsconfig.json && npx tsc -p tsconfig.spec.json
 *   node dist/lib/cli/bin.js eval examples/testcard.png --scale 2 \
 *     --weights ../shared/reference-weights/srcnn_955_imagenet_x2/srcnn_955_imagenet_x2.json --report /tmp/report.html
 *   node build/tools/check_report.js /tmp/report.html --size 1400x1250
 * Options: --out <png> (default docs/images/report-screenshot.png), --size WxH (default 1400x2000).
 *
 * Chromium: $CHROMIUM or /usr/bin/chromium, run with a fresh temporary profile and no network
 * services. Exit code 0 when the page passed the checks and the screenshot is not blank, else 1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { opencvY } from '../lib/image/color.js';
import { decodeImage } from '../lib/image/codec.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Problems that make a report page not self-contained; empty when it is fine. */
export function selfContainedProblems(html: string): string[] {
  const problems: string[] = [];
  for (const m of html.matchAll(/\b(src|href)\s*=\s*"([^"]*)"/gi)) {
    const [, attr, value] = m as unknown as [string, string, string];
    if (attr.toLowerCase() === 'href' && value.startsWith('#')) continue;
    if (attr.toLowerCase() === 'src' && value.startsWith('data:image/png;base64,')) continue;
    problems.push(`${attr}="${value.slice(0, 60)}" is not an embedded PNG or an in-page link`);
  }
  if (/url\(\s*['"]?(?!data:)/i.test(html)) problems.push('CSS url() to an outside resource');
  if (/<script\b/i.test(html)) problems.push('a <script> element');
  if (/<link\b/i.test(html)) problems.push('a <link> element');
  return problems;
}

function main(argv: string[]): number {
  let input: string | undefined;
  let out = join(repoRoot, 'docs', 'images', 'report-screenshot.png');
  let size = '1400x2000';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--out') out = resolve(argv[++i] ?? '');
    else if (a === '--size') size = argv[++i] ?? '';
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else input = resolve(a);
  }
  if (input === undefined) throw new Error('usage: check_report.js <report.html> [--out file.png] [--size WxH]');
  if (!/^\d+x\d+$/.test(size)) throw new Error(`--size must be WxH, got '${size}'`);
  const html = readFileSync(input, 'utf8');
  const problems = selfContainedProblems(html);
  const imgs = (html.match(/<img\b/g) ?? []).length;
  console.log(`${input}: ${(html.length / 1e6).toFixed(2)} MB, ${imgs} embedded pictures`);
  for (const p of problems) console.error(`not self-contained: ${p}`);

  const chromium = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) throw new Error(`no Chromium at ${chromium} (set CHROMIUM)`);
  mkdirSync(dirname(out), { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'srcnn-report-chromium-'));
  try {
    const r = spawnSync(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars',
      `--user-data-dir=${profile}`, `--screenshot=${out}`, `--window-size=${size.replace('x', ',')}`,
      pathToFileURL(input).href,
    ], { encoding: 'utf8', timeout: 120_000 });
    if (r.error) throw r.error;
    if (!existsSync(out) || statSync(out).mtimeMs < Date.now() - 120_000) {
      throw new Error(`Chromium wrote no screenshot (exit ${r.status}): ${r.stderr.slice(-2000)}`);
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  const shot = decodeImage(new Uint8Array(readFileSync(out)), out);
  const y = opencvY(shot);
  let lo = 255, hi = 0;
  for (const v of y) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  console.log(`screenshot ${out}: ${shot.width}x${shot.height}, luma ${lo}..${hi}`);
  if (hi - lo < 32) {
    console.error('the screenshot is blank');
    return 1;
  }
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  }
}
