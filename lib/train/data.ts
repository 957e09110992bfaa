/**
 * SRCNN training data as in Dong et al. (arXiv 1501.00092, section 4.1; SRCNN_v1 `generate_train.m`):
 *
 * 1. Y = MATLAB `rgb2ycbcr` luma (gray images: the raw value), 0..255, done by the caller.
 * 2. label image = modcrop(Y, scale) / 255 (float64);
 *    input image = imresize(imresize(label, 1/scale), scale), MATLAB bicubic with antialiasing, float64.
 * 3. Sub-images: `patchSize` x `patchSize` input windows every `stride` pixels (paper: 33, stride 14),
 *    starting at (0, 0) and covering `0 .. H - patchSize` on each axis (MATLAB `1 : stride : hei-size+1`).
 *    The label of a window is the centre crop of the label image that a 'valid' network produces for
 *    it: rows/cols `[y + margin, y + margin + patchSize - 2 * margin)`, where `margin` is half the
 *    receptive field minus one (6 for 9-1-5: 21x21 labels; 8 for 9-5-5: 17x17).
 *
 * Patches are stored once, densely, in float32 (0..1). {@link PatchSampler} shuffles them per epoch
 * and optionally applies one of the 8 flips/rotations to each patch (input and label alike) when it
 * copies a mini-batch out.
 */
import { ShapeError, ValueError } from '../errors.js';
import { modcrop } from '../image/crop.js';
import { createPlane, type Plane } from '../image/image.js';
import { imresize } from '../image/imresize.js';
import { Mulberry32, deriveSeed, shuffleInPlace } from './rng.js';
import { Sha256 } from './sha256.js';

/** One training image: the network input (bicubic Y/255) and the ground truth (Y/255), same size. */
export interface TrainingPair {
  readonly input: Plane<Float64Array>;
  readonly label: Plane<Float64Array>;
}

/**
 * Builds the (input, label) images of one training image, as `generate_train.m` does.
 * @param y - luma plane on 0..255 (MATLAB rgb2ycbcr Y, or the raw value of a gray image), 1 channel.
 * @param scale - integer upscaling factor (2, 3, 4).
 * @throws ShapeError when `y` has more than one channel or is smaller than `scale`.
 */
export function makeTrainingPair(y: Plane, scale: number): TrainingPair {
  if (y.channels !== 1) throw new ShapeError(`makeTrainingPair: expected a 1-channel Y plane, got ${y.channels} channels`);
  if (!Number.isInteger(scale) || scale < 1) throw new ValueError(`makeTrainingPair: scale must be a positive integer, got ${scale}`);
  const cropped = modcrop(y, scale);
  const n = cropped.width * cropped.height;
  const label = createPlane(cropped.width, cropped.height, 1);
  const src = cropped.data, dst = label.data;
  for (let i = 0; i < n; i++) dst[i] = src[i]! / 255;
  const small = imresize(label, { scale: 1 / scale });
  const input = imresize(small, { scale });
  if (input.width !== label.width || input.height !== label.height) {
    throw new ShapeError(`makeTrainingPair: bicubic round trip gave ${input.width}x${input.height}, expected ${label.width}x${label.height}`);
  }
  return { input: input as Plane<Float64Array>, label };
}

/**
 * Border lost on each side by a stack of 'valid' convolutions with square odd kernels:
 * `sum((k - 1) / 2)` (6 for 9-1-5, 8 for 9-5-5).
 */
export function validMargin(kernelSizes: readonly number[]): number {
  let m = 0;
  for (const k of kernelSizes) {
    if (!Number.isInteger(k) || k < 1 || k % 2 === 0) throw new ValueError(`validMargin: kernel sizes must be odd positive integers, got ${k}`);
    m += (k - 1) / 2;
  }
  return m;
}

/** Options of {@link extractPatches}. */
export interface PatchOptions {
  /** Input window side (paper: 33). */
  readonly patchSize: number;
  /** Step between windows (paper: 14). */
  readonly stride: number;
  /** Border the network loses per side; the label side is `patchSize - 2 * margin`. */
  readonly margin: number;
}

/** Densely stored sub-images: `count` inputs of `inputSize^2` and labels of `labelSize^2` floats. */
export interface PatchSet {
  readonly count: number;
  readonly inputSize: number;
  readonly labelSize: number;
  readonly margin: number;
  /** count x inputSize x inputSize, row-major, 0..1. */
  readonly inputs: Float32Array;
  /** count x labelSize x labelSize, row-major, 0..1. */
  readonly labels: Float32Array;
}

/** Number of window positions `0, stride, ... <= length - size`. */
function positions(length: number, size: number, stride: number): number {
  return length < size ? 0 : Math.floor((length - size) / stride) + 1;
}

/**
 * Cuts every training pair into sub-images (see the module comment for the geometry).
 * Images smaller than `patchSize` contribute nothing.
 * @throws ValueError on a bad size/stride/margin; ShapeError when input and label sizes differ
 *   or no image yields a patch.
 */
export function extractPatches(pairs: readonly TrainingPair[], opts: PatchOptions): PatchSet {
  const { patchSize: S, stride, margin } = opts;
  if (!Number.isInteger(S) || S < 1) throw new ValueError(`extractPatches: patchSize must be a positive integer, got ${S}`);
  if (!Number.isInteger(stride) || stride < 1) throw new ValueError(`extractPatches: stride must be a positive integer, got ${stride}`);
  if (!Number.isInteger(margin) || margin < 0 || S - 2 * margin < 1) {
    throw new ValueError(`extractPatches: margin ${margin} leaves no label in a ${S}x${S} patch`);
  }
  const L = S - 2 * margin;
  let count = 0;
  for (const p of pairs) {
    if (p.input.width !== p.label.width || p.input.height !== p.label.height || p.input.channels !== 1 || p.label.channels !== 1) {
      throw new ShapeError(`extractPatches: input ${p.input.width}x${p.input.height}x${p.input.channels} and label ${p.label.width}x${p.label.height}x${p.label.channels} must be equal-sized 1-channel planes`);
    }
    count += positions(p.input.height, S, stride) * positions(p.input.width, S, stride);
  }
  if (count === 0) throw new ShapeError(`extractPatches: no image is at least ${S}x${S}`);
  const inputs = new Float32Array(count * S * S);
  const labels = new Float32Array(count * L * L);
  let k = 0;
  for (const { input, label } of pairs) {
    const w = input.width, h = input.height, xin = input.data, xlab = label.data;
    for (let y0 = 0; y0 + S <= h; y0 += stride) {
      for (let x0 = 0; x0 + S <= w; x0 += stride) {
        let o = k * S * S;
        for (let r = 0; r < S; r++) {
          const s = (y0 + r) * w + x0;
          for (let c = 0; c < S; c++) inputs[o++] = xin[s + c]!;
        }
        o = k * L * L;
        for (let r = 0; r < L; r++) {
          const s = (y0 + margin + r) * w + x0 + margin;
          for (let c = 0; c < L; c++) labels[o++] = xlab[s + c]!;
        }
        k++;
      }
    }
  }
  return { count, inputSize: S, labelSize: L, margin, inputs, labels };
}

/**
 * Copies the `size` x `size` square at `src[srcOff..]` into `out[outOff..]` transformed by the
 * dihedral element `t` (0..7): bit 2 transposes, then bit 0 mirrors columns and bit 1 mirrors rows.
 * `t = 0` is a plain copy; the 8 values give all flips and 90-degree rotations. Returns `out`.
 * `out` and `src` must not overlap.
 */
export function dihedralCopy(out: Float32Array, outOff: number, src: Float32Array, srcOff: number, size: number, t: number): Float32Array {
  const tr = (t & 4) !== 0, fx = (t & 1) !== 0, fy = (t & 2) !== 0;
  const last = size - 1;
  for (let r = 0; r < size; r++) {
    const rr = fy ? last - r : r;
    let o = outOff + r * size;
    for (let c = 0; c < size; c++) {
      const cc = fx ? last - c : c;
      out[o++] = src[srcOff + (tr ? cc * size + rr : rr * size + cc)]!;
    }
  }
  return out;
}

/** Where a {@link PatchSampler} is: epoch (0-based) and the next batch within it. */
export interface SamplerPosition {
  readonly epoch: number;
  readonly batchInEpoch: number;
}

/** Options of {@link PatchSampler}. */
export interface SamplerOptions {
  /** Patches per mini-batch. */
  readonly batch: number;
  /** Seed of the per-epoch order and augmentation draws. */
  readonly seed: number;
  /** Apply a random one of the 8 flips/rotations to each patch. */
  readonly augment: boolean;
}

/**
 * Mini-batches over a {@link PatchSet}: each epoch visits the patches in a fresh order drawn from
 * `deriveSeed(seed, epoch)` (the last partial batch is dropped), and with `augment` each draw
 * gets a dihedral transform from `deriveSeed(seed, epoch, 1)`. Since both depend only on the seed
 * and the epoch, the sampler's whole state is its {@link SamplerPosition}.
 */
export class PatchSampler {
  readonly set: PatchSet;
  readonly batch: number;
  readonly seed: number;
  readonly augment: boolean;
  /** Full batches per epoch: `floor(count / batch)`. */
  readonly batchesPerEpoch: number;
  private epochNo = -1;
  private cursor = 0;
  private readonly order: Uint32Array;
  private readonly transform: Uint8Array;

  constructor(set: PatchSet, opts: SamplerOptions) {
    if (!Number.isInteger(opts.batch) || opts.batch < 1) throw new ValueError(`PatchSampler: batch must be a positive integer, got ${opts.batch}`);
    if (opts.batch > set.count) throw new ValueError(`PatchSampler: batch ${opts.batch} exceeds the ${set.count} patches available`);
    this.set = set;
    this.batch = opts.batch;
    this.seed = opts.seed >>> 0;
    this.augment = opts.augment;
    this.batchesPerEpoch = Math.floor(set.count / opts.batch);
    this.order = new Uint32Array(set.count);
    this.transform = new Uint8Array(set.count);
    this.seek({ epoch: 0, batchInEpoch: 0 });
  }

  /** The position of the next batch. */
  get position(): SamplerPosition {
    return { epoch: this.epochNo, batchInEpoch: this.cursor };
  }

  /** Moves to `pos` (as returned by {@link position}); used when resuming. */
  seek(pos: SamplerPosition): void {
    if (!Number.isInteger(pos.epoch) || pos.epoch < 0 || !Number.isInteger(pos.batchInEpoch) || pos.batchInEpoch < 0 || pos.batchInEpoch > this.batchesPerEpoch) {
      throw new ValueError(`PatchSampler: bad position epoch=${pos.epoch} batch=${pos.batchInEpoch} (${this.batchesPerEpoch} batches per epoch)`);
    }
    if (pos.epoch !== this.epochNo) this.startEpoch(pos.epoch);
    this.cursor = pos.batchInEpoch;
  }

  /**
   * Copies the next mini-batch into `x` (batch x inputSize^2) and `y` (batch x labelSize^2),
   * advancing to the next epoch when the current one is exhausted.
   */
  next(x: Float32Array, y: Float32Array): void {
    const { inputSize: S, labelSize: L, inputs, labels } = this.set;
    const B = this.batch;
    if (x.length < B * S * S || y.length < B * L * L) {
      throw new ShapeError(`PatchSampler.next: buffers hold ${x.length} and ${y.length} floats, need ${B * S * S} and ${B * L * L}`);
    }
    if (this.cursor >= this.batchesPerEpoch) this.seek({ epoch: this.epochNo + 1, batchInEpoch: 0 });
    const order = this.order, tf = this.transform;
    const base = this.cursor * B;
    for (let i = 0; i < B; i++) {
      const p = order[base + i]!;
      const t = tf[base + i]!;
      dihedralCopy(x, i * S * S, inputs, p * S * S, S, t);
      dihedralCopy(y, i * L * L, labels, p * L * L, L, t);
    }
    this.cursor++;
  }

  private startEpoch(epoch: number): void {
    const order = this.order;
    for (let i = 0; i < order.length; i++) order[i] = i;
    shuffleInPlace(order, new Mulberry32(deriveSeed(this.seed, epoch)));
    const tf = this.transform;
    if (this.augment) {
      const rng = new Mulberry32(deriveSeed(this.seed, epoch, 1));
      for (let i = 0; i < tf.length; i++) tf[i] = rng.nextU32() >>> 29;
    } else {
      tf.fill(0);
    }
    this.epochNo = epoch;
    this.cursor = 0;
  }
}

/** A file of a training set: its name (for sorting and messages) and raw bytes. */
export interface DataFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * The data checksum recorded with trained weights: SHA-256 (hex) over the bytes of every file,
 * concatenated in ascending order of name (UTF-16 code unit order, as `Array.prototype.sort`).
 */
export function datasetChecksum(files: readonly DataFile[]): string {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const h = new Sha256();
  for (const f of sorted) h.update(f.bytes);
  return h.hex();
}
