/**
 * Markdown tables from a bench results file (`npm run bench -- --filter peers` writes
 * bench/results/latest.json):
 *
 *   node build/bench/peers/report.js [results.json ...]
 *
 * With several files (e.g. a full run, then a re-run of some cases with PEERS_CASES), a later file's
 * measurement of an engine on a case replaces an earlier one. Default: bench/results/latest.json.
 *
 * 1. engines x (model, size): median ms (GFLOP/s), one line per engine and thread count, fastest
 *    first on the last column; 2. srcnn-ts wasm-simd's speed ratio to each engine; 3. the load
 *    average and CPU time per wall time each measurement ran with.
 */
import { readFileSync } from 'node:fs';
import type { BenchRow } from '../harness.js';
import type { EngineResult } from '../suites/peers.bench.js';

interface Cell extends EngineResult {
  model: string;
  size: number;
}

const files = process.argv.length > 2 ? process.argv.slice(2) : ['bench/results/latest.json'];
const rows = files.flatMap((file) => {
  const got = (JSON.parse(readFileSync(file, 'utf8')) as { rows: BenchRow[] }).rows.filter((r) => r.suite === 'peers');
  if (got.length === 0) throw new Error(`${file} has no 'peers' rows`);
  return got;
});

const cells = new Map<string, Cell>();
for (const r of rows) {
  const x = r.extra as { model: string; size: number; ours: EngineResult; peer: EngineResult };
  for (const e of [x.ours, x.peer]) cells.set(`${e.label}|${e.threads}|${x.model}|${x.size}`, { ...e, model: x.model, size: x.size });
}
const all = [...cells.values()];
const columns = [...new Set(all.map((c) => `${c.model}|${c.size}`))].sort((a, b) => {
  const [ma, sa] = a.split('|');
  const [mb, sb] = b.split('|');
  return ma === mb ? Number(sa) - Number(sb) : ma! < mb! ? -1 : 1;
});
const engines = [...new Set(all.map((c) => `${c.label}|${c.threads}`))];
const get = (engine: string, col: string): Cell | undefined => cells.get(`${engine}|${col}`);
const last = columns[columns.length - 1]!;
engines.sort((a, b) => (get(a, last)?.ms ?? Infinity) - (get(b, last)?.ms ?? Infinity));

const head = (cols: string[]): string => `| engine | thr | ${cols.map((c) => c.replace('|', ' @ ')).join(' | ')} |\n|---|---:|${cols.map(() => '---:').join('|')}|`;
const line = (engine: string, f: (c: Cell | undefined, col: string) => string): string => {
  const [label, thr] = engine.split('|');
  return `| ${label} | ${thr} | ${columns.map((col) => f(get(engine, col), col)).join(' | ')} |`;
};

console.log('SRCNN forward, median ms (GFLOP/s)\n');
console.log(head(columns));
for (const e of engines) console.log(line(e, (c) => (c ? `${c.ms.toFixed(1)} (${c.gflops.toFixed(2)})` : '–')));

console.log('\nsrcnn-ts wasm-simd (same thread count; 1 thread for 1-thread engines) speed / engine speed\n');
console.log(head(columns));
for (const e of engines) {
  const thr = Number(e.split('|')[1]);
  console.log(line(e, (c, col) => {
    const ours = all.find((o) => o.engine === 'wasm-simd' && o.threads === thr && `${o.model}|${o.size}` === col);
    return c && ours ? `${(c.ms / ours.ms).toFixed(2)}×` : '–';
  }));
}

console.log('\nLoad average (1 min) before the timed runs / CPU time per wall time\n');
console.log(head(columns));
for (const e of engines) console.log(line(e, (c) => (c ? `${c.load1.toFixed(2)} / ${c.cpuPerWall.toFixed(2)}` : '–')));
