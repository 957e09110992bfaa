/**
 * A small typed builder for WebAssembly binary modules, so kernels can be written in TypeScript and
 * compiled at load time (no toolchain, no .wasm file). It covers what the kernels need: function
 * types, an imported (optionally shared) memory, functions with named locals, structured control
 * flow with labels, and exports. Encoding follows the WebAssembly Core Specification 2.0, chapter 5
 * (binary format): module = magic, version, then sections type(1) import(2) function(3) export(7)
 * code(10), each `id, u32 size, contents`.
 *
 * Instructions are written with {@link FunctionBuilder} methods named after the text format
 * (`f.get(x).get(y).op('f32x4_mul')`), so a kernel reads like its `.wat` listing.
 */
import { sleb, uleb } from './leb128.js';
import { Op, naturalAlign, type MemOpName, type OpName } from './opcodes.js';

/** Value types (Core 5.3.1). */
export const ValType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
export type ValType = (typeof ValType)[keyof typeof ValType];

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const VERSION = [0x01, 0x00, 0x00, 0x00];
const SECTION = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;
const FUNC_TYPE = 0x60;
const BLOCK_TYPE_EMPTY = 0x40;
const EXTERN_KIND = { func: 0x00, memory: 0x02 } as const;
/** Limits flags (threads proposal): bit 0 = has maximum, bit 1 = shared. */
const LIMITS_HAS_MAX = 0x01;
const LIMITS_SHARED = 0x02;

/** A function parameter or local variable. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
  readonly name: string;
}

/** A branch target: the block, loop or if that opened it. */
export interface Label {
  readonly depth: number;
}

function name(s: string): number[] {
  const out = uleb(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) throw new RangeError(`wasm names must be ASCII: '${s}'`);
    out.push(c);
  }
  return out;
}

function vec(items: readonly (readonly number[])[]): number[] {
  const out = uleb(items.length);
  for (const it of items) out.push(...it);
  return out;
}

function section(id: number, contents: readonly number[]): number[] {
  return contents.length === 0 ? [] : [id, ...uleb(contents.length), ...contents];
}

/**
 * Writes one function body. Every method appends instructions and returns `this`, so sequences
 * chain in stack order: `f.get(a).get(b).op('i32_add').set(c)` is `c = a + b`.
 */
export class FunctionBuilder {
  readonly params: readonly Local[];
  private readonly locals: Local[] = [];
  private readonly code: number[] = [];
  /** Nesting depth of open blocks (0 = function body). */
  private depth = 0;

  constructor(params: readonly (readonly [string, ValType])[]) {
    this.params = params.map(([n, t], index) => ({ index, type: t, name: n }));
  }

  /** The parameter called `n`. */
  param(n: string): Local {
    const p = this.params.find((q) => q.name === n);
    if (!p) throw new RangeError(`no parameter '${n}'`);
    return p;
  }

  /** Declares a new local variable. */
  local(type: ValType, n: string): Local {
    const l: Local = { index: this.params.length + this.locals.length, type, name: n };
    this.locals.push(l);
    return l;
  }

  /** Appends an instruction without immediates. */
  op(o: OpName): this {
    this.code.push(...Op[o]);
    return this;
  }

  get(l: Local): this {
    this.code.push(...Op.local_get, ...uleb(l.index));
    return this;
  }

  set(l: Local): this {
    this.code.push(...Op.local_set, ...uleb(l.index));
    return this;
  }

  tee(l: Local): this {
    this.code.push(...Op.local_tee, ...uleb(l.index));
    return this;
  }

  i32(v: number): this {
    this.code.push(...Op.i32_const, ...sleb(v));
    return this;
  }

  f32(v: number): this {
    const bytes = new Uint8Array(new Float32Array([v]).buffer);
    this.code.push(...Op.f32_const, ...bytes);
    return this;
  }

  /** `l = l + delta` for an i32 local. */
  addTo(l: Local, delta: number | Local): this {
    this.get(l);
    if (typeof delta === 'number') this.i32(delta);
    else this.get(delta);
    return this.op('i32_add').set(l);
  }

  /** A load or store with its memarg: natural alignment and a constant byte `offset`. */
  mem(o: MemOpName, offset = 0): this {
    this.code.push(...Op[o], ...uleb(naturalAlign[o]), ...uleb(offset));
    return this;
  }

  /** `memory.fill(dest, value, length)` on memory 0 (operands on the stack). */
  memoryFill(): this {
    this.code.push(...Op.memory_fill, 0x00);
    return this;
  }

  /** `memory.copy(dest, src, length)` within memory 0 (operands on the stack). */
  memoryCopy(): this {
    this.code.push(...Op.memory_copy, 0x00, 0x00);
    return this;
  }

  /**
   * `i8x16.shuffle` of the two v128 operands as four 32-bit lanes: result lane i is lane `lanes[i]`
   * of `a ++ b` (0-3 from the first operand, 4-7 from the second).
   */
  shuffle32(lanes: readonly [number, number, number, number]): this {
    this.code.push(...Op.i8x16_shuffle);
    for (const l of lanes) {
      if (!Number.isInteger(l) || l < 0 || l > 7) throw new RangeError(`shuffle32: lane ${l} is not in 0..7`);
      this.code.push(4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3);
    }
    return this;
  }

  /** `f32x4.extract_lane lane`. */
  extractLane(lane: number): this {
    this.code.push(...Op.f32x4_extract_lane, lane);
    return this;
  }

  call(funcIndex: number): this {
    this.code.push(...Op.call, ...uleb(funcIndex));
    return this;
  }

  /** `block ... end`; branching to the label jumps past the end. */
  block(body: (l: Label) => void): this {
    return this.structured(Op.block, body);
  }

  /** `loop ... end`; branching to the label jumps back to the start. */
  loop(body: (l: Label) => void): this {
    return this.structured(Op.loop, body);
  }

  /** `if ... [else ...] end` on the i32 condition on the stack. */
  if(then: (l: Label) => void, otherwise?: (l: Label) => void): this {
    this.code.push(...Op.if, BLOCK_TYPE_EMPTY);
    this.depth++;
    const label: Label = { depth: this.depth };
    then(label);
    if (otherwise) {
      this.code.push(...Op.else);
      otherwise(label);
    }
    this.depth--;
    this.code.push(...Op.end);
    return this;
  }

  br(l: Label): this {
    this.code.push(...Op.br, ...uleb(this.relative(l)));
    return this;
  }

  brIf(l: Label): this {
    this.code.push(...Op.br_if, ...uleb(this.relative(l)));
    return this;
  }

  /**
   * `for (i = from; i < to; i += step) body` with i32 locals/constants, emitted as
   * `if (from < to) loop { body; i += step; br_if (i < to) }` (signed comparison).
   */
  forRange(i: Local, from: number | Local, to: number | Local, step: number, body: () => void): this {
    const push = (v: number | Local): this => (typeof v === 'number' ? this.i32(v) : this.get(v));
    push(from).set(i);
    this.get(i);
    push(to).op('i32_lt_s').if(() => {
      this.loop((top) => {
        body();
        this.addTo(i, step).get(i);
        push(to).op('i32_lt_s').brIf(top);
      });
    });
    return this;
  }

  /** The encoded body: local declarations (grouped by type), code, `end`. */
  encode(): number[] {
    if (this.depth !== 0) throw new RangeError('unbalanced blocks in function body');
    const groups: number[][] = [];
    let i = 0;
    while (i < this.locals.length) {
      const t = this.locals[i]!.type;
      let j = i;
      while (j < this.locals.length && this.locals[j]!.type === t) j++;
      groups.push([...uleb(j - i), t]);
      i = j;
    }
    const body = [...vec(groups), ...this.code, ...Op.end];
    return [...uleb(body.length), ...body];
  }

  private structured(opcode: readonly number[], body: (l: Label) => void): this {
    this.code.push(...opcode, BLOCK_TYPE_EMPTY);
    this.depth++;
    body({ depth: this.depth });
    this.depth--;
    this.code.push(...Op.end);
    return this;
  }

  private relative(l: Label): number {
    const r = this.depth - l.depth;
    if (r < 0) throw new RangeError('branch to a label that is not open');
    return r;
  }
}

/** Limits of an imported memory, in 64 KiB pages. A shared memory needs a maximum. */
export interface MemoryLimits {
  initial: number;
  maximum?: number;
  shared?: boolean;
}

interface FuncEntry {
  name: string;
  typeIndex: number;
  exported: boolean;
  body: FunctionBuilder;
}

/** Collects types, imports and functions and encodes the module. */
export class ModuleBuilder {
  private readonly types: number[][] = [];
  private readonly typeKeys = new Map<string, number>();
  private readonly imports: number[][] = [];
  private readonly funcs: FuncEntry[] = [];

  /** Imports memory 0 as `module.field`. */
  importMemory(module: string, field: string, limits: MemoryLimits): this {
    const flags = (limits.maximum !== undefined ? LIMITS_HAS_MAX : 0) | (limits.shared ? LIMITS_SHARED : 0);
    if (limits.shared && limits.maximum === undefined) throw new RangeError('a shared memory needs a maximum');
    const lim = [flags, ...uleb(limits.initial), ...(limits.maximum !== undefined ? uleb(limits.maximum) : [])];
    this.imports.push([...name(module), ...name(field), EXTERN_KIND.memory, ...lim]);
    return this;
  }

  /**
   * Adds a function, exported under `fname` unless `exported` is false, and returns its index
   * (usable with {@link FunctionBuilder.call} from functions added later).
   */
  addFunction(
    fname: string,
    params: readonly (readonly [string, ValType])[],
    results: readonly ValType[],
    build: (f: FunctionBuilder) => void,
    exported = true,
  ): number {
    const f = new FunctionBuilder(params);
    build(f);
    this.funcs.push({ name: fname, typeIndex: this.typeIndex(params.map((p) => p[1]), results), exported, body: f });
    return this.funcs.length - 1;
  }

  /** The module's bytes. */
  encode(): Uint8Array {
    const exports = this.funcs
      .map((f, i) => ({ f, i }))
      .filter(({ f }) => f.exported)
      .map(({ f, i }) => [...name(f.name), EXTERN_KIND.func, ...uleb(i)]);
    const bytes = [
      ...MAGIC,
      ...VERSION,
      ...section(SECTION.type, this.types.length ? vec(this.types) : []),
      ...section(SECTION.import, this.imports.length ? vec(this.imports) : []),
      ...section(SECTION.function, this.funcs.length ? vec(this.funcs.map((f) => uleb(f.typeIndex))) : []),
      ...section(SECTION.export, exports.length ? vec(exports) : []),
      ...section(SECTION.code, this.funcs.length ? vec(this.funcs.map((f) => f.body.encode())) : []),
    ];
    return Uint8Array.from(bytes);
  }

  private typeIndex(params: readonly ValType[], results: readonly ValType[]): number {
    const key = `${params.join(',')}->${results.join(',')}`;
    let idx = this.typeKeys.get(key);
    if (idx === undefined) {
      idx = this.types.length;
      this.types.push([FUNC_TYPE, ...vec(params.map((p) => [p])), ...vec(results.map((r) => [r]))]);
      this.typeKeys.set(key, idx);
    }
    return idx;
  }
}
