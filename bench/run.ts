/**
 * `npm run bench [-- --filter <substr>] [--quick] [--out <file>]`: runs every suite in
 * bench/suites, prints a table and writes machine-readable JSON.
 */
import { readdirSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow, BenchSuite, BenchContext } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

async function main(): Promise<void> {
  const filter = arg('--filter');
  const quick = process.argv.includes('--quick');
  const shared = resolve(repoRoot, '..', 'shared');
  const ctx: BenchContext = { quick, sharedDir: existsSync(shared) ? shared : null };
  const suiteDir = join(here, 'suites');
  const files = readdirSync(suiteDir).filter((f) => f.endsWith('.bench.js')).sort();
  const rows: BenchRow[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(suiteDir, f)).href)) as { suite: BenchSuite };
    if (filter && !mod.suite.name.includes(filter) && !f.includes(filter)) continue;
    process.stderr.write(`# ${mod.suite.name}\n`);
    const got = await mod.suite.run(ctx);
    for (const r of got) {
      const base = r.baseline ? `${fmt(r.baseline.value)} (${r.baseline.name})` : '';
      const ofCeiling = r.extra?.['ofCeiling'];
      process.stdout.write(
        `${r.suite.padEnd(10)} ${r.name.padEnd(44)} ${fmt(r.value).padStart(9)} ${r.unit.padEnd(10)} ` +
          `${fmt(r.timing.medianMs).padStart(9)} ms  ${base.padEnd(34)} ${(r.ratio !== undefined ? 'x' + fmt(r.ratio) : '').padEnd(8)}` +
          `${typeof ofCeiling === 'number' ? ` ${(100 * ofCeiling).toFixed(1)}% of ceiling` : ''}\n`,
      );
    }
    rows.push(...got);
  }
  const machine = {
    node: process.version,
    v8: process.versions.v8,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memGiB: +(totalmem() / 2 ** 30).toFixed(1),
    platform: `${process.platform}-${process.arch}`,
  };
  const result = { date: new Date().toISOString(), machine, quick, rows };
  const outFile = arg('--out') ?? join(repoRoot, 'bench', 'results', `bench-${result.date.replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(result, null, 2));
  writeFileSync(join(dirname(outFile), 'latest.json'), JSON.stringify(result, null, 2));
  process.stderr.write(`wrote ${outFile}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
