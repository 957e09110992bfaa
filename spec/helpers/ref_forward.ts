/**
 * Float64 reference forward pass of a layer list (direct loops, conventions.md section 5):
 * `out[f,y,x] = act(b[f] + sum_{c,i,j} W[f,c,i,j] * inpad[c, y+i-padT, x+j-padL])`, 'same' padding split
 * `(k-1)>>1` before, the rest after, zero or replicate borders. Input CHW (batch 1). Each layer is
 * {@link naiveConv2d}, kept in float64 between layers.
 */
import { convInfo } from '../../lib/kernels/conv_info.js';
import type { LayerWeights } from '../../lib/weights/types.js';
import { naiveConv2d } from './naive.js';

export interface RefMap {
  c: number;
  h: number;
  w: number;
  data: Float64Array;
}

export function refForward(layers: readonly LayerWeights[], input: RefMap): RefMap {
  let cur = input;
  for (const L of layers) {
    const [kh, kw] = L.spec.kernel;
    const info = convInfo([1, cur.c, cur.h, cur.w], [L.spec.out, cur.c, kh, kw], L.spec.padding, L.spec.paddingMode);
    const data = naiveConv2d(cur.data, L.weights, L.bias, info, L.spec.activation === 'relu');
    cur = { c: L.spec.out, h: info.outH, w: info.outW, data };
  }
  return cur;
}
