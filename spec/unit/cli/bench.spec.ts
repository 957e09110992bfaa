/** `srcnn-ts bench` end to end: the built CLI (build/lib/cli/bin.js) in a child process, on tiny sizes. */
import { expect } from 'chai';
import { simdSupported } from '../../../lib/backend/index.js';
import { runCli, type CliRun } from '../../helpers/cli.js';

const cli = (...args: string[]): CliRun => runCli('bench', ...args);

interface BenchJson {
  arch: string;
  size: number;
  runs: number;
  loadAvg: number[];
  results: Array<{ backend: string; threads: number; medianMs: number; minMs: number; mpixelsPerS: number; gflops: number; speedupVsJs: number }>;
}

describe('cli: srcnn-ts bench', function () {
  this.timeout(60_000);

  it('prints a table with a js row and wasm-simd rows on 1 and N threads (--runs 1 --size 64)', () => {
    const r = cli('--runs', '1', '--size', '64', '--threads', '2');
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).to.match(/^backend\s+threads\s+median ms\s+min ms\s+Mpixel\/s\s+GFLOP\/s\s+vs js$/);
    expect(lines[1]).to.match(/^js\s+1\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+1\.00x$/);
    if (simdSupported()) {
      expect(lines.slice(2).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).to.deep.equal(['wasm-simd 1', 'wasm-simd 2']);
    }
    expect(r.stderr).to.match(/SRCNN 9-1-5 forward, 64x64 plane, median of 1 run\(s\).*load average/);
  });

  it('--json: one object with every row; --threads 1 has no multi-thread row; --arch picks the layout', () => {
    const r = cli('--runs', '2', '--size', '40', '--threads', '1', '--arch', 'keras-9-3-5', '--json');
    expect(r.code, r.stderr).to.equal(0);
    const j = JSON.parse(r.stdout) as BenchJson;
    expect([j.arch, j.size, j.runs]).to.deep.equal(['keras-9-3-5', 40, 2]);
    expect(j.results.map((x) => `${x.backend}/${x.threads}`)).to.deep.equal(simdSupported() ? ['js/1', 'wasm-simd/1'] : ['js/1']);
    for (const x of j.results) {
      expect(x.medianMs).to.be.greaterThan(0);
      expect(x.minMs).to.be.at.most(x.medianMs);
      expect(x.gflops).to.be.greaterThan(0);
    }
    expect(j.results[0]!.speedupVsJs).to.equal(1);
  });

  it('bad options exit with code 2 and a message naming the option', () => {
    const a = cli('--arch', 'nope');
    expect(a.code).to.equal(2);
    expect(a.stderr).to.match(/unknown architecture 'nope'/);
    const s = cli('--size', '0');
    expect(s.code).to.equal(2);
    expect(s.stderr).to.match(/--size must be an integer in \[1, 8192\]/);
    expect(cli('--runs', 'x').code).to.equal(2);
  });
});
