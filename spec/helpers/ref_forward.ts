/**
 * Float64 reference forward pass of a layer list (direct loops, conventions.md section 5):
 * `out[f,y,x] = act(b[f] + sum_{c,i,j} W[f,c,i,j] * inpad[c, y+i-padT, x+j-padL])`, 'same' padding split
 * `(k-1)>>1` before, the rest after, zero or replicate borders. Input CHW (batch 1).
 */
import type { LayerWeights } from '../../lib/weights/types.js';

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
    const same = L.spec.padding === 'same';
    const padT = same ? (kh - 1) >> 1 : 0, padL = same ? (kw - 1) >> 1 : 0;
    const oh = same ? cur.h : cur.h - kh + 1, ow = same ? cur.w : cur.w - kw + 1;
    const rep = L.spec.paddingMode === 'replicate';
    const out = new Float64Array(L.spec.out * oh * ow);
    for (let f = 0; f < L.spec.out; f++) for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) {
      let s = L.bias[f]!;
      for (let c = 0; c < cur.c; c++) for (let i = 0; i < kh; i++) {
        let yy = y + i - padT;
        if (yy < 0 || yy >= cur.h) {
          if (!rep) continue;
          yy = yy < 0 ? 0 : cur.h - 1;
        }
        for (let j = 0; j < kw; j++) {
          let xx = x + j - padL;
          if (xx < 0 || xx >= cur.w) {
            if (!rep) continue;
            xx = xx < 0 ? 0 : cur.w - 1;
          }
          s += L.weights[((f * cur.c + c) * kh + i) * kw + j]! * cur.data[(c * cur.h + yy) * cur.w + xx]!;
        }
      }
      out[(f * oh + y) * ow + x] = L.spec.activation === 'relu' && s < 0 ? 0 : s;
    }
    cur = { c: L.spec.out, h: oh, w: ow, data: out };
  }
  return cur;
}
