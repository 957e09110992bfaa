/**
 * Declarative option parsing on top of node:util parseArgs (strict: unknown options are usage
 * errors), plus typed accessors that turn bad values into {@link UsageError}s naming the option.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** One line for --help; the value placeholder, if any, goes in `arg`. */
  help: string;
  arg?: string;
  default?: string | boolean;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** Options every command accepts. */
export const COMMON_OPTIONS: OptionSpecs = {
  help: { type: 'boolean', short: 'h', help: 'show this help' },
  json: { type: 'boolean', help: 'machine-readable JSON on stdout' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress or informational output' },
};

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(argv: string[], specs: OptionSpecs): Parsed {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, s] of Object.entries({ ...COMMON_OPTIONS, ...specs })) {
    options[name] = { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) };
  }
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** A string option, or its default; UsageError when required and missing. */
export function str(p: Parsed, name: string, def?: string): string {
  const v = p.values[name];
  if (typeof v === 'string') return v;
  if (def !== undefined) return def;
  throw new UsageError(`missing required option --${name}`);
}

export function optStr(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

/** An integer option within [min, max]. */
export function int(p: Parsed, name: string, def: number | undefined, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const v = p.values[name];
  if (v === undefined) {
    if (def === undefined) throw new UsageError(`missing required option --${name}`);
    return def;
  }
  const n = Number(v);
  if (typeof v !== 'string' || !/^-?\d+$/.test(v) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got '${String(v)}'`);
  }
  return n;
}

export function optInt(p: Parsed, name: string, min = 1, max = Number.MAX_SAFE_INTEGER): number | undefined {
  return p.values[name] === undefined ? undefined : int(p, name, undefined, min, max);
}

/** A string option restricted to `choices`. */
export function choice<T extends string>(p: Parsed, name: string, choices: readonly T[], def: T): T {
  const v = str(p, name, def);
  if (!(choices as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got '${v}'`);
  }
  return v as T;
}

/** Formats the options table of a command's --help. */
export function helpText(usage: string, summary: string, specs: OptionSpecs): string {
  const rows = Object.entries({ ...specs, ...COMMON_OPTIONS }).map(([name, s]) => {
    const left = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.arg ? ` <${s.arg}>` : ''}`;
    const def = s.default !== undefined ? ` (default: ${String(s.default)})` : '';
    return `  ${left.padEnd(30)} ${s.help}${def}`;
  });
  return `Usage: ${usage}\n\n${summary}\n\nOptions:\n${rows.join('\n')}\n`;
}
