/**
 * The SRCNN image pipeline on whole images, as `pipeline/srcnn.ts` and `pipeline/luma.ts` computed it
 * before tiling (commit 2011fd6): full-size bicubic image (`imresizeU8` / `resize`), full-size Y and
 * chroma, ONE untiled forward pass of the network on the whole Y/255 plane, full-size recombination
 * through the whole-image colour conversions of `image/color.ts`. It is the oracle the tiled
 * pipeline must match byte for byte, so it does not use `pipeline/luma.ts`.
 */
import type { Backend } from '../../lib/backend/backend.js';
import { rgbToYCbCrMatlab, rgbToYCrCb, ycbcrToRgbMatlab, yCrCbToRgb } from '../../lib/image/color.js';
import { createImage, createPlane, type Image, type Plane } from '../../lib/image/image.js';
import { imresizeU8 } from '../../lib/image/imresize.js';
import { resize } from '../../lib/image/resize/index.js';
import type { Rect } from '../../lib/model/tiling.js';
import { Sequential } from '../../lib/nn/sequential.js';
import type { Rounding } from '../../lib/pipeline/luma.js';
import type { ColourConvention, SrcnnWeights } from '../../lib/weights/types.js';

interface Split {
  y: Plane<Float64Array>;
  source: Image;
  ycbcr: Plane<Float64Array> | null;
  ycrcb: Image | null;
}

/** Y on 0..255 with the weights' convention (gray: the gray value), and the chroma planes. */
function splitLuma(img: Image, colour: ColourConvention): Split {
  const n = img.width * img.height;
  const y = createPlane(img.width, img.height, 1);
  if (img.channels <= 2) {
    for (let i = 0; i < n; i++) y.data[i] = img.data[i * img.channels]!;
    return { y, source: img, ycbcr: null, ycrcb: null };
  }
  if (colour === 'matlab-y') {
    const ycbcr = rgbToYCbCrMatlab(img);
    for (let i = 0; i < n; i++) y.data[i] = ycbcr.data[i * 3]!;
    return { y, source: img, ycbcr, ycrcb: null };
  }
  const ycrcb = rgbToYCrCb(img);
  for (let i = 0; i < n; i++) y.data[i] = ycrcb.data[i * 3]!;
  return { y, source: img, ycbcr: null, ycrcb };
}

function toByte(v: number, rounding: Rounding): number {
  const c = v < 0 ? 0 : v > 255 ? 255 : v;
  return rounding === 'round' ? Math.floor(c + 0.5) : Math.floor(c);
}

/** The image of `rect` with Y = `yNew` (quantised) and the split image's chroma and alpha. */
function mergeLuma(split: Split, yNew: ArrayLike<number>, rect: Rect, rounding: Rounding): Image {
  const src = split.source;
  const { x: rx, y: ry, width: w, height: h } = rect;
  const cn = src.channels, W = src.width;
  const out = createImage(w, h, cn);
  if (cn <= 2) {
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const i = r * w + c;
        out.data[i * cn] = toByte(yNew[i]!, rounding);
        if (cn === 2) out.data[i * 2 + 1] = src.data[((ry + r) * W + rx + c) * 2 + 1]!;
      }
    }
    return out;
  }
  let rgb: Image;
  if (split.ycbcr !== null) {
    const p = createPlane(w, h, 3);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const i = r * w + c, j = (ry + r) * W + rx + c;
        p.data[i * 3] = toByte(yNew[i]!, rounding);
        p.data[i * 3 + 1] = split.ycbcr.data[j * 3 + 1]!;
        p.data[i * 3 + 2] = split.ycbcr.data[j * 3 + 2]!;
      }
    }
    rgb = ycbcrToRgbMatlab(p);
  } else {
    const q = createImage(w, h, 3);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const i = r * w + c, j = (ry + r) * W + rx + c;
        q.data[i * 3] = toByte(yNew[i]!, rounding);
        q.data[i * 3 + 1] = split.ycrcb!.data[j * 3 + 1]!;
        q.data[i * 3 + 2] = split.ycrcb!.data[j * 3 + 2]!;
      }
    }
    rgb = yCrCbToRgb(q);
  }
  if (cn === 3) return rgb;
  for (let i = 0; i < w * h; i++) {
    const r = Math.floor(i / w), c = i % w;
    out.data.set(rgb.data.subarray(i * 3, i * 3 + 3), i * 4);
    out.data[i * 4 + 3] = src.data[((ry + r) * W + rx + c) * 4 + 3]!;
  }
  return out;
}

export interface ReferenceOptions {
  border?: 'keep' | 'crop';
  rounding?: Rounding;
}

/** `restore()` on a whole image: Y through one untiled forward pass, recombined with the image's chroma. */
export function referenceRestore(weights: SrcnnWeights, backend: Backend, img: Image, opts: ReferenceOptions = {}): Image {
  const rounding = opts.rounding ?? 'round';
  const net = new Sequential(weights, backend);
  try {
    const split = splitLuma(img, weights.meta.colour);
    const y = split.y;
    const yIn = createPlane(y.width, y.height, 1);
    for (let i = 0; i < y.data.length; i++) yIn.data[i] = y.data[i]! / 255;
    const res = net.forward(Float32Array.from(yIn.data), 1, y.height, y.width);
    const yOut = res.data;
    const m = net.margin();
    const rect = { x: m.left, y: m.top, width: res.w, height: res.h };
    if (opts.border === 'crop') {
      const v = new Float64Array(res.w * res.h);
      for (let i = 0; i < v.length; i++) v[i] = yOut[i]! * 255;
      return mergeLuma(split, v, rect, rounding);
    }
    const full = Float64Array.from(y.data);
    for (let r = 0; r < rect.height; r++) {
      const o = (rect.y + r) * y.width + rect.x, s = r * rect.width;
      for (let c = 0; c < rect.width; c++) full[o + c] = yOut[s + c]! * 255;
    }
    return mergeLuma(split, full, { x: 0, y: 0, width: y.width, height: y.height }, rounding);
  } finally {
    net.dispose();
  }
}

/** `upscale()` on a whole image: full-size bicubic image, then {@link referenceRestore}. */
export function referenceUpscale(
  weights: SrcnnWeights, backend: Backend, img: Image,
  opts: ReferenceOptions & { scale?: number; resize?: 'matlab' | 'opencv-cubic' } = {},
): Image {
  const scale = opts.scale ?? weights.meta.scale;
  const outW = Math.ceil(scale * img.width), outH = Math.ceil(scale * img.height);
  const up = (opts.resize ?? 'matlab') === 'matlab' ? imresizeU8(img, { scale }) : resize(img, outW, outH, 'cubic');
  return referenceRestore(weights, backend, up, opts);
}
