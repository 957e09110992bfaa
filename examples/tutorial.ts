/**
 * The Medium / Keras SRCNN tutorial ("Using The Super-Resolution Convolutional Neural Network for Image
 * Restoration", xoraus/Super-Resolution-CNN-for-Image-Restoration `SRCNN.py`), end to end with srcnn-ts:
 *
 * 1. `prepare_images(path, 2)`: degrade each HR image with OpenCV bilinear down by 2 and back up
 *    (`cv2.resize(INTER_LINEAR)` twice; srcnn-ts `degrade`, bit-exact).
 * 2. Load MarkPrecursor's Keras weights `3051crop_weight_200.h5` (9-3-5 with 128/64 filters, valid /
 *    same / valid) with `parseKerasH5`.
 * 3. `predict()`: crop reference and degraded image (the tutorial's `modcrop(img, 3)` is
 *    `img[0:h-h%3, 1:w-w%3]`, dropping column 0: only with `--tutorial-modcrop`; by default the
 *    reference is cropped to a multiple of the factor, `img[0:h-h%2, 0:w-w%2]`, before degrading),
 *    convert to YCrCb (cv2 BGR2YCrCb on BGR = `rgbToYCrCb` on RGB), Y/255 through the network, output
 *    x 255 clipped to [0, 255] and **truncated** to uint8 (numpy `astype`), put back into the YCrCb
 *    image, converted back. That is `model.restore(degraded, { rounding: 'truncate' })`.
 * 4. `compare_images` (PSNR over all channels, MSE / (H*W), skimage default SSIM) of the degraded and the
 *    restored image against the reference, all shaved by 6.
 *
 * Steps 1, 3 and 4 are `evaluateModel(model, hr, { protocol: 'tutorial', scale: 2 })`
 * (lib/pipeline/evaluate_model.ts); this example adds the Y-only PSNR and writes the pictures.
 *
 * Expected on Set5 with `--tutorial-modcrop` (shared/anchors/quality.md section 7): degraded
 * 30.45 dB / 0.9002, SRCNN 33.70 dB / 0.9341 (3 channels); on the OpenCV Y alone 30.97 -> 34.82 dB.
 *
 * Usage: node build/examples/tutorial.js [dataDir] [h5Path] [--tutorial-modcrop] [--out dir] [--backend auto|js|wasm-simd]
 * (defaults: ../shared/data/Set5 and ../shared/reference-weights/keras_3051crop_weight_200/3051crop_weight_200.h5
 * beside the repository).
 */
import { readFile, readdir, mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Backend } from '../lib/backend/backend.js';
import { shave } from '../lib/image/crop.js';
import { opencvY } from '../lib/image/color.js';
import { createImage, type Image } from '../lib/image/image.js';
import { meanEvalResult, type EvalResult } from '../lib/metrics/evaluate.js';
import { psnr } from '../lib/metrics/psnr.js';
import { readImageFile, writeImageFile } from '../lib/node/io.js';
import { evaluateModel } from '../lib/pipeline/evaluate_model.js';
import { srcnn } from '../lib/pipeline/srcnn.js';
import { parseKerasH5 } from '../lib/weights/keras_h5.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = resolve(repoRoot, '..', 'shared');

/** Defaults: the shared Set5 folder and the tutorial's weights file. */
export const TUTORIAL_DEFAULTS = {
  dataDir: join(shared, 'data', 'Set5'),
  h5Path: join(shared, 'reference-weights', 'keras_3051crop_weight_200', '3051crop_weight_200.h5'),
};

export interface TutorialOptions {
  dataDir?: string;
  h5Path?: string;
  /** Reproduce the tutorial's modcrop that drops column 0. @defaultValue false */
  tutorialModcrop?: boolean;
  /** Write `<name>_degraded.png` and `<name>_srcnn.png` (the cropped, unshaved pictures) here. */
  outDir?: string;
  backend?: Backend | 'auto' | 'js' | 'wasm-simd';
}

export interface TutorialImageResult {
  name: string;
  /** The tutorial's `compare_images` scores (3 channels, shave 6). */
  degraded: EvalResult;
  srcnn: EvalResult;
  /** PSNR on the OpenCV Y channel only (not in the tutorial; quality.md section 7 reports it). */
  degradedY: number;
  srcnnY: number;
}

export interface TutorialResult {
  images: TutorialImageResult[];
  /** Means over images of each score. */
  mean: { degraded: EvalResult; srcnn: EvalResult; degradedY: number; srcnnY: number };
}

const TUTORIAL_FACTOR = 2; // prepare_images(path, 2)
const TUTORIAL_SHAVE = 6; // shave(img, 6): the valid network loses 6 px per side

/** The OpenCV Y channel of an RGB image (gray passes through) as a 1-channel image. */
function lumaOf(img: Image): Image {
  return img.channels >= 3 ? createImage(img.width, img.height, 1, opencvY(img)) : img;
}

/** Runs the tutorial on every .bmp/.png of `dataDir` (sorted by name). */
export async function runTutorial(opts: TutorialOptions = {}): Promise<TutorialResult> {
  const dataDir = opts.dataDir ?? TUTORIAL_DEFAULTS.dataDir;
  const h5Path = opts.h5Path ?? TUTORIAL_DEFAULTS.h5Path;
  const weights = parseKerasH5(new Uint8Array(await readFile(h5Path)), { scale: TUTORIAL_FACTOR }, h5Path);
  const model = srcnn({ weights, backend: opts.backend ?? 'auto' });
  const files = (await readdir(dataDir)).filter((f) => /\.(bmp|png)$/i.test(f)).sort();
  const images: TutorialImageResult[] = [];
  if (opts.outDir) await mkdir(opts.outDir, { recursive: true });
  try {
    for (const f of files) {
      const hr = await readImageFile(join(dataDir, f));
      const r = await evaluateModel(model, hr, {
        protocol: 'tutorial', scale: TUTORIAL_FACTOR, tutorialModcrop: opts.tutorialModcrop === true, keepImages: true,
      });
      const { original, degraded, output } = r.images!;
      const refY = lumaOf(shave(original, TUTORIAL_SHAVE));
      const name = basename(f, extname(f));
      images.push({
        name,
        degraded: r.bicubic,
        srcnn: r.srcnn,
        degradedY: psnr(refY, lumaOf(shave(degraded, TUTORIAL_SHAVE))),
        srcnnY: psnr(refY, lumaOf(shave(output, TUTORIAL_SHAVE))),
      });
      if (opts.outDir) {
        await writeImageFile(join(opts.outDir, `${name}_degraded.png`), degraded);
        await writeImageFile(join(opts.outDir, `${name}_srcnn.png`), output);
      }
    }
  } finally {
    model.dispose();
  }
  const meanY = (f: (r: TutorialImageResult) => number) => images.reduce((a, r) => a + f(r), 0) / images.length;
  return {
    images,
    mean: {
      degraded: meanEvalResult(images.map((r) => r.degraded)),
      srcnn: meanEvalResult(images.map((r) => r.srcnn)),
      degradedY: meanY((r) => r.degradedY),
      srcnnY: meanY((r) => r.srcnnY),
    },
  };
}

function fmt(r: EvalResult): string {
  return `${r.psnr.toFixed(2).padStart(6)} dB  SSIM ${r.ssim.toFixed(4)}  MSE ${r.mse.toFixed(1).padStart(7)}`;
}

async function main(argv: string[]): Promise<void> {
  const flags = new Set(['--tutorial-modcrop']);
  const valued = new Set(['--out', '--backend']);
  const pos: string[] = [];
  const opts: TutorialOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (flags.has(a)) opts.tutorialModcrop = true;
    else if (valued.has(a)) {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      if (a === '--out') opts.outDir = v;
      else opts.backend = v as 'auto' | 'js' | 'wasm-simd';
    } else if (a.startsWith('--')) throw new Error(`unknown flag ${a}`);
    else pos.push(a);
  }
  if (pos[0] !== undefined) opts.dataDir = pos[0];
  if (pos[1] !== undefined) opts.h5Path = pos[1];
  const res = await runTutorial(opts);
  const crop = opts.tutorialModcrop ? "tutorial's modcrop (drops column 0)" : `modcrop to a multiple of ${TUTORIAL_FACTOR}`;
  process.stdout.write(`Keras SRCNN tutorial, x${TUTORIAL_FACTOR} bilinear degradation, ${crop}, shave ${TUTORIAL_SHAVE}\n`);
  const yOnly = (d: number, s: number) => `   Y only ${d.toFixed(2)} -> ${s.toFixed(2)} dB`;
  for (const r of res.images) {
    process.stdout.write(`${r.name.padEnd(14)} degraded ${fmt(r.degraded)}   srcnn ${fmt(r.srcnn)}${yOnly(r.degradedY, r.srcnnY)}\n`);
  }
  const m = res.mean;
  process.stdout.write(`${'mean'.padEnd(14)} degraded ${fmt(m.degraded)}   srcnn ${fmt(m.srcnn)}${yOnly(m.degradedY, m.srcnnY)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
