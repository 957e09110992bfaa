/** Clamps `v` into `[lo, hi]` (`lo <= hi`): `min(max(v, lo), hi)`. */
export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
