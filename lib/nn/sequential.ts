/**
 * A chain of {@link Conv2D} layers (the SRCNN network) with forward and backward passes on one
 * {@link Backend}.
 *
 * Memory: activations, gradients and the copied input live in a workspace of backend buffers that
 * grows to the largest shape seen and is then reused, so repeated calls of the same (or a smaller)
 * size allocate nothing. Inference (`train: false`) keeps two activation buffers in ping-pong, and
 * runs a layer followed by a pointwise (1x1, unpadded) one as one {@link Backend.conv2dPair} call,
 * which gives the same values without storing the intermediate activation whole; training keeps
 * every layer's output for the backward pass.
 *
 * Training protocol: `forward(x, batch, h, w, { train: true })`, compute dL/doutput, `backward(dy)`,
 * then read the gradients from {@link Sequential.params} (named `layers.<i>.weight` / `layers.<i>.bias`,
 * as in the safetensors files) and update `value` in place. Gradients are overwritten by each backward
 * pass (not accumulated) and are sums over the batch; the loss normalisation is the caller's.
 */
import { ShapeError, ValueError } from '../errors.js';
import type { Backend } from '../backend/backend.js';
import { isPointwise, type ConvInfo } from '../kernels/conv_info.js';
import { architectureOf, validateWeights, type LayerSpec, type LayerWeights, type SrcnnWeights, type WeightsMeta } from '../weights/types.js';
import { Conv2D } from './conv2d.js';
import { netGeometry, type NetGeometry, type Sides } from './geometry.js';
import { Workspace } from './workspace.js';

/** A trainable tensor as optimizers see it (same shape as `train/optimizers.ts` TrainableParam). */
export interface Param {
  readonly name: string;
  /** The parameter (backend memory, updated in place by optimizers). */
  readonly value: Float32Array;
  /** Its gradient from the last backward pass. */
  readonly grad: Float32Array;
}

/** Output of {@link Sequential.forward}: NCHW, `batch x channels x h x w`. */
export interface ForwardResult {
  /** A view into the workspace: valid until the next forward call (copy it to keep it). */
  data: Float32Array;
  channels: number;
  h: number;
  w: number;
}

/** Options of {@link Sequential.forward}. */
export interface ForwardOptions {
  /** Keep every layer's activations so that {@link Sequential.backward} can run. @defaultValue false */
  train?: boolean;
}

/** Options of {@link Sequential.backward}. */
export interface BackwardOptions {
  /** Also compute dL/dinput (skipped by default: training never needs it). @defaultValue false */
  inputGrad?: boolean;
}

export class Sequential {
  readonly backend: Backend;
  readonly layers: readonly Conv2D[];
  /** Input channels (1 for SRCNN). */
  readonly inChannels: number;
  /** Output channels (1 for SRCNN). */
  readonly outChannels: number;
  private readonly geom: NetGeometry;
  private readonly paramList: readonly Param[];
  /** Slots: 0 the copied input, 1 dL/dinput, 2 + l layer l's output, 2 + L + l its gradient. */
  private readonly ws: Workspace;
  /** Geometry and buffers of the last training forward pass (null if there was none). */
  private trained: { infos: ConvInfo[]; inputs: Float32Array[]; outputs: Float32Array[] } | null = null;
  private disposed = false;

  /**
   * Builds the layers from `weights` (validated with `validateWeights`) and copies the parameters into
   * backend memory; the caller's arrays are not kept.
   * @throws WeightsError when the layers do not chain or hold non-finite values.
   */
  constructor(weights: SrcnnWeights | readonly LayerWeights[], backend: Backend) {
    const layers = isLayerList(weights) ? weights : weights.layers;
    // A bare layer list gets a placeholder meta: only the layers are checked then.
    validateWeights(isLayerList(weights) ? { layers: [...weights], meta: { architecture: 'layers', scale: 1, colour: 'matlab-y' } } : weights, 'Sequential');
    this.backend = backend;
    this.layers = Object.freeze(layers.map((l) => new Conv2D(l, backend)));
    this.inChannels = layers[0]!.spec.in;
    this.outChannels = layers[layers.length - 1]!.spec.out;
    this.geom = netGeometry(layers.map((l) => l.spec));
    this.ws = new Workspace(backend, 2 + 2 * layers.length);
    const params: Param[] = [];
    this.layers.forEach((l, i) => {
      params.push({ name: `layers.${i}.weight`, value: l.weight, grad: l.gradWeight });
      params.push({ name: `layers.${i}.bias`, value: l.bias, grad: l.gradBias });
    });
    this.paramList = Object.freeze(params);
  }

  /** Layer specs in forward order. */
  specs(): LayerSpec[] {
    return this.layers.map((l) => ({ ...l.spec, kernel: [l.spec.kernel[0], l.spec.kernel[1]] }));
  }

  /** Output size `[h', w']` for an input of `h x w`. @throws ShapeError when 'valid' layers leave nothing. */
  outputSize(h: number, w: number): [number, number] {
    const m = this.geom.margin;
    const oh = h - m.top - m.bottom, ow = w - m.left - m.right;
    if (oh <= 0 || ow <= 0) {
      throw new ShapeError(`network needs an input larger than ${m.top + m.bottom}x${m.left + m.right} (its 'valid' layers), got ${h}x${w}`);
    }
    return [oh, ow];
  }

  /** Pixels lost per side by 'valid' layers (all zero for the authors' 'same' networks). */
  margin(): Sides {
    return { ...this.geom.margin };
  }

  /** Reach of 'same' padding per side: how far a crop's border effects propagate inwards. */
  halo(): Sides {
    return { ...this.geom.halo };
  }

  /** Largest per-side receptive radius (margin + halo): 8 for the 9-5-5 network, 6 for 9-1-5. */
  receptiveRadius(): number {
    const r = this.geom.receptive;
    return Math.max(r.top, r.left, r.bottom, r.right);
  }

  /** The trainable parameters (stable objects: the same array every call). */
  params(): readonly Param[] {
    return this.paramList;
  }

  /**
   * Runs the network on `x` (NCHW, `batch x inChannels x h x w`, copied into backend memory).
   * @throws ShapeError when `x` has the wrong length, a size is not a positive integer, or the input is
   *   too small for the 'valid' layers.
   */
  forward(x: Float32Array, batch: number, h: number, w: number, opts: ForwardOptions = {}): ForwardResult {
    this.checkLive();
    checkDim('batch', batch);
    checkDim('h', h);
    checkDim('w', w);
    const n = batch * this.inChannels * h * w;
    if (x.length !== n) {
      throw new ShapeError(`Sequential.forward: input has ${x.length} values, [${batch}, ${this.inChannels}, ${h}, ${w}] needs ${n}`);
    }
    this.outputSize(h, w);
    const train = opts.train === true;
    this.trained = null;
    const input = this.ws.get(0, n);
    input.set(x);
    const infos: ConvInfo[] = [];
    const inputs: Float32Array[] = [];
    const outputs: Float32Array[] = [];
    let cur = input, ch = h, cw = w;
    // Inference ping-pongs between slots 2 and 3 (curSlot: the slot holding `cur`).
    let curSlot = 0;
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l]!;
      let info = layer.info(batch, ch, cw);
      const next = train ? undefined : this.layers[l + 1];
      const nextInfo = next?.info(batch, info.outH, info.outW);
      // A layer followed by a pointwise one (9-1-5's first two) runs as one fused call.
      const pair = next !== undefined && nextInfo !== undefined && isPointwise(nextInfo);
      const outInfo = pair ? nextInfo : info;
      const slot = train ? 2 + l : curSlot === 2 ? 3 : 2;
      const y = this.ws.get(slot, batch * outInfo.outC * outInfo.outH * outInfo.outW);
      if (pair) {
        this.backend.conv2dPair(y, cur, layer.step(info), next.step(nextInfo));
        info = nextInfo;
        l++;
      } else {
        layer.forward(y, cur, info);
      }
      if (train) {
        infos.push(info);
        inputs.push(cur);
        outputs.push(y);
      }
      cur = y;
      curSlot = slot;
      ch = info.outH;
      cw = info.outW;
    }
    if (train) this.trained = { infos, inputs, outputs };
    return { data: cur, channels: this.outChannels, h: ch, w: cw };
  }

  /**
   * Backpropagates `dy` = dL/doutput (same shape as the last training forward's output; not modified)
   * and fills every parameter's `grad`. Returns dL/dinput (a workspace view) when `inputGrad` is set,
   * else null.
   * @throws ValueError when the last forward pass was not run with `train: true`.
   * @throws ShapeError when `dy` has the wrong length.
   */
  backward(dy: Float32Array, opts: BackwardOptions = {}): Float32Array | null {
    this.checkLive();
    const t = this.trained;
    if (t === null) throw new ValueError('Sequential.backward: run forward(..., { train: true }) first');
    const last = t.outputs.length - 1;
    if (dy.length !== t.outputs[last]!.length) {
      throw new ShapeError(`Sequential.backward: gradient has ${dy.length} values, the output has ${t.outputs[last]!.length}`);
    }
    const L = this.layers.length;
    let g = this.ws.get(2 + L + last, dy.length);
    g.set(dy);
    let dx: Float32Array | null = null;
    for (let l = last; l >= 0; l--) {
      const info = t.infos[l]!;
      const nIn = info.batch * info.inC * info.inH * info.inW;
      let target: Float32Array | null = null;
      if (l > 0) target = this.ws.get(2 + L + l - 1, nIn);
      else if (opts.inputGrad === true) target = dx = this.ws.get(1, nIn);
      this.layers[l]!.backward(target, g, t.inputs[l]!, t.outputs[l]!, info);
      if (target !== null) g = target;
    }
    return dx;
  }

  /** The current parameters as weights with `meta` (validated). */
  toWeights(meta: WeightsMeta): SrcnnWeights {
    this.checkLive();
    return validateWeights({ layers: this.layers.map((l) => l.toLayerWeights()), meta: { ...meta } }, 'Sequential.toWeights');
  }

  /** The kernel-size name of this network, e.g. '9-5-5'. */
  architecture(): string {
    return architectureOf(this.layers.map((l) => l.spec));
  }

  /** Frees parameters and workspace; the network must not be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const l of this.layers) l.dispose();
    this.ws.dispose();
    this.trained = null;
  }

  private checkLive(): void {
    if (this.disposed) throw new ValueError('Sequential: the network was disposed');
  }
}

function checkDim(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v <= 0) throw new ShapeError(`Sequential.forward: ${name} must be a positive integer, got ${v}`);
}

function isLayerList(w: SrcnnWeights | readonly LayerWeights[]): w is readonly LayerWeights[] {
  return Array.isArray(w);
}
