/**
 * The FMA variant of the 'wasm-simd' backend (3x12 tile, `f32x4.relaxed_madd`), which runtimes with
 * relaxed SIMD use by default. Node 20 has it only behind `--experimental-wasm-relaxed-simd`, so this
 * test runs the built backend in a child process started with that flag and compares GEMM, conv2d
 * (packed and in-place B, the single-output-channel kernel) and conv2dPair on shapes that cross
 * macro-call and tile edges (m not a multiple of 3, m > 128) with the scalar 'js' backend.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/paths.js';

const lib = (p: string): string => pathToFileURL(resolve(repoRoot, 'build', 'lib', p)).href;

const SCRIPT = `
import { createWasmBackend } from '${lib('backend/wasm.js')}';
import { createJsBackend } from '${lib('backend/js.js')}';
import { convInfo } from '${lib('kernels/conv_info.js')}';
let s = 12345;
const rnd = (n) => Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5);
const wasm = createWasmBackend();
const js = createJsBackend();
const out = { fma: wasm.spec.fma, mr: wasm.spec.mr, nr: wasm.spec.nr, gemm: [], conv: [] };
const rel = (a, b) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i]))); return m; };
for (const [m, n, k, tA, tB] of [[1, 7, 5, false, false], [5, 13, 9, false, false], [131, 29, 300, false, false], [200, 50, 70, true, false], [64, 37, 81, false, true], [257, 25, 513, true, true]]) {
  const a = rnd(m * k), b = rnd(k * n);
  const cw = wasm.gemm(tA, tB, m, n, k, 1.5, a, tA ? m : k, b, tB ? k : n, 0, new Float32Array(m * n), n);
  const cj = js.gemm(tA, tB, m, n, k, 1.5, a, tA ? m : k, b, tB ? k : n, 0, new Float32Array(m * n), n);
  out.gemm.push(rel(cw, cj));
}
// Packed B (narrow rows), B read in place (rows of 72 and 70: whole and edge 12-column panels),
// the single-output-channel kernel with padding per chunk (90 x 100).
for (const [outC, inC, h, w, kh] of [[64, 1, 23, 19, 9], [32, 64, 17, 21, 1], [1, 32, 19, 17, 5], [131, 3, 11, 9, 3], [64, 1, 23, 72, 9],
  [40, 3, 10, 70, 3], [1, 2, 90, 100, 5]]) {
  const info = convInfo([2, inC, h, w], [outC, inC, kh, kh], 'same', 'replicate');
  const x = rnd(2 * inC * h * w), wt = rnd(outC * inC * kh * kh), bias = rnd(outC);
  const yw = wasm.conv2d(new Float32Array(2 * outC * h * w), x, wt, bias, info, true);
  const yj = js.conv2d(new Float32Array(2 * outC * h * w), x, wt, bias, info, true);
  out.conv.push(rel(yw, yj));
}
{
  // conv2dPair: a 9x9 layer and the 1x1 after it in one job.
  const a = convInfo([2, 1, 30, 72], [64, 1, 9, 9], 'same', 'replicate');
  const b = convInfo([2, 64, 30, 72], [32, 64, 1, 1], 'valid');
  const x = rnd(2 * 30 * 72);
  const first = { w: rnd(64 * 81), bias: rnd(64), info: a, relu: true };
  const second = { w: rnd(32 * 64), bias: rnd(32), info: b, relu: true };
  const n = 2 * 32 * 30 * 72;
  out.conv.push(rel(wasm.conv2dPair(new Float32Array(n), x, first, second), js.conv2dPair(new Float32Array(n), x, first, second)));
}
console.log(JSON.stringify(out));
`;

describe('wasm-simd backend: FMA variant (3x12 tile)', function () {
  this.timeout(60_000);
  it('gives the js results within float32 accumulation error on edge-crossing shapes (run with --experimental-wasm-relaxed-simd)', () => {
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', SCRIPT], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as { fma: boolean; mr: number; nr: number; gemm: number[]; conv: number[] };
    expect([got.fma, got.mr, got.nr]).to.deep.equal([true, 3, 12]);
    // float32 sums of up to K = 513 products (|values| < 0.5) against float64 sums: relative 1e-5 of (1 + |c|).
    expect(got.conv).to.have.length(8);
    for (const e of [...got.gemm, ...got.conv]) expect(e).to.be.below(1e-5);
  });
});
