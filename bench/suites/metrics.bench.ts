/**
 * SSIM throughput (Mpixel/s = H·W / time) of lib/metrics against the `ssim.js` npm package, timed in
 * the same process.
 *
 * Peer settings: ssim.js defaults are `{ ssim: 'weber', windowSize: 11, downsample: 'original' }`:
 * it converts RGBA to gray and, with 'original', first downsamples by round(min(H, W) / 256) (2x at
 * 512², 8x at 2048²), so its default computes a different, much smaller SSIM. The rows therefore
 * run it with `downsample: false` on the full image:
 *   - 'weber' (its default algorithm: 11x11 uniform window via integral images) is the peer of our
 *     default (7x7 uniform, skimage) SSIM;
 *   - 'fast' (11x11 Gaussian sigma 1.5, 'valid', ssim_index.m) is the peer of our Gaussian SSIM.
 * Our RGB rows compute three channels of SSIM where ssim.js computes one gray channel (it converts
 * RGBA to gray inside the timed call); the gray rows compare one channel with one channel.
 */
import { ssim as ssimJs } from 'ssim.js';
import { measure, mpixels, throughputRow, type BenchRow, type BenchSuite } from '../harness.js';
import type { Image } from '../../lib/image/image.js';
import { ssim, ssimWang } from '../../lib/metrics/index.js';

/** A smooth image with texture, and a noisy copy (deterministic). */
function pair(w: number, h: number, channels: 1 | 3): [Image, Image] {
  const a = new Uint8Array(w * h * channels);
  const b = new Uint8Array(a.length);
  let seed = 12345;
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++, i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const v = 128 + 60 * Math.sin(x / (9 + c)) * Math.cos(y / 13) + ((seed >>> 24) & 31) - 16;
        a[i] = Math.max(0, Math.min(255, Math.round(v)));
        b[i] = Math.max(0, Math.min(255, a[i]! + ((seed >>> 16) & 15) - 8));
      }
    }
  }
  return [{ width: w, height: h, channels, data: a }, { width: w, height: h, channels, data: b }];
}

/** RGBA ImageData for ssim.js (gray is replicated into R, G and B). */
function toImageData(img: Image): { data: Uint8ClampedArray; width: number; height: number } {
  const n = img.width * img.height;
  const out = new Uint8ClampedArray(n * 4);
  const C = img.channels;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 4 + c] = img.data[i * C + (C === 1 ? 0 : c)]!;
    out[i * 4 + 3] = 255;
  }
  return { data: out, width: img.width, height: img.height };
}

export const suite: BenchSuite = {
  name: 'metrics',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const sizes = ctx.quick ? [128] : [512, 2048];
    for (const n of sizes) {
      const runs = ctx.quick ? 1 : n >= 2048 ? 3 : 7;
      const opts = { warmup: ctx.quick ? 0 : 1, runs };
      const px = n * n;
      for (const channels of [3, 1] as const) {
        const [a, b] = pair(n, n, channels);
        const ia = toImageData(a);
        const ib = toImageData(b);
        const kind = channels === 3 ? 'RGB' : 'gray';
        const variants = [
          { name: `ssim default 7x7 ${kind} ${n}x${n}`, ours: () => ssim(a, b), peer: 'weber' as const },
          { name: `ssim gaussian 11x11 ${kind} ${n}x${n}`, ours: () => ssim(a, b, { gaussianWeights: true }), peer: 'fast' as const },
        ];
        if (channels === 1) variants.push({ name: `ssimWang ${kind} ${n}x${n}`, ours: () => ssimWang(a, b), peer: 'fast' as const });
        for (const v of variants) {
          const peer = () => ssimJs(ia, ib, { ssim: v.peer, downsample: false });
          const t = await measure(v.ours, opts);
          const tb = await measure(peer, opts);
          rows.push(throughputRow('metrics', v.name, 'Mpixel/s', (ms) => mpixels(px, ms), t,
            { name: `ssim.js ${v.peer} gray, no downsample`, timing: tb },
            { mssim: v.ours(), peerMssim: peer().mssim, channels }));
        }
      }
    }
    return rows;
  },
};
