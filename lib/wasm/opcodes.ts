/**
 * The WebAssembly opcodes srcnn-ts emits, by their text-format names (`i32.add` is `i32_add`).
 * Reference: WebAssembly Core Specification 2.0, section 5.4 (binary format of instructions), and the
 * SIMD proposal's opcode table (https://github.com/WebAssembly/simd/blob/main/proposals/simd/BinarySIMD.md).
 *
 * Each entry is the instruction's complete opcode as bytes: one byte for core instructions, and for
 * prefixed instructions the prefix byte (0xfc bulk memory, 0xfd SIMD) followed by the LEB128-encoded
 * sub-opcode. `f32x4.mul` is sub-opcode 0xe6 and encodes as `fd e6 01`; `f32x4.relaxed_madd` is 0x105
 * and encodes as `fd 85 02`.
 */
import { uleb } from './leb128.js';

/** Prefix byte of the bulk-memory / saturating-conversion instructions. */
const PREFIX_FC = 0xfc;
/** Prefix byte of the SIMD instructions. */
const PREFIX_SIMD = 0xfd;

const fc = (sub: number): readonly number[] => [PREFIX_FC, ...uleb(sub)];
const simd = (sub: number): readonly number[] => [PREFIX_SIMD, ...uleb(sub)];

/** Opcode bytes by instruction name. */
export const Op = {
  // control
  block: [0x02],
  loop: [0x03],
  if: [0x04],
  else: [0x05],
  end: [0x0b],
  br: [0x0c],
  br_if: [0x0d],
  call: [0x10],
  select: [0x1b],
  // variables
  local_get: [0x20],
  local_set: [0x21],
  local_tee: [0x22],
  // memory
  i32_load: [0x28],
  f32_load: [0x2a],
  f32_store: [0x38],
  memory_copy: fc(10),
  memory_fill: fc(11),
  // constants
  i32_const: [0x41],
  f32_const: [0x43],
  // i32 comparisons
  i32_eqz: [0x45],
  i32_eq: [0x46],
  i32_ne: [0x47],
  i32_lt_s: [0x48],
  i32_lt_u: [0x49],
  i32_gt_s: [0x4a],
  i32_ge_s: [0x4e],
  // f32 comparisons
  f32_ne: [0x5c],
  f32_lt: [0x5d],
  f32_gt: [0x5e],
  // i32 arithmetic
  i32_add: [0x6a],
  i32_sub: [0x6b],
  i32_mul: [0x6c],
  i32_and: [0x71],
  i32_or: [0x72],
  i32_shl: [0x74],
  // f32 arithmetic
  f32_add: [0x92],
  f32_mul: [0x94],
  // SIMD memory
  v128_load: simd(0x00),
  v128_load32_splat: simd(0x09),
  v128_store: simd(0x0b),
  // SIMD lanes
  i8x16_shuffle: simd(0x0d),
  f32x4_splat: simd(0x13),
  f32x4_extract_lane: simd(0x1f),
  // SIMD bitwise and comparisons
  v128_and: simd(0x4e),
  f32x4_gt: simd(0x44),
  // SIMD f32x4 arithmetic
  f32x4_add: simd(0xe4),
  f32x4_mul: simd(0xe6),
  f32x4_pmax: simd(0xeb),
  // relaxed SIMD (not enabled by default in Node 20 / V8 11.3; feature-detected)
  f32x4_relaxed_madd: simd(0x105),
} as const;

/** An instruction name of {@link Op}. */
export type OpName = keyof typeof Op;

/** Natural alignment (log2 of bytes) of each memory instruction, the `align` of its memarg. */
export const naturalAlign = {
  i32_load: 2,
  f32_load: 2,
  f32_store: 2,
  v128_load: 4,
  v128_load32_splat: 2,
  v128_store: 4,
} as const;

/** The memory instructions (those taking a memarg). */
export type MemOpName = keyof typeof naturalAlign;
