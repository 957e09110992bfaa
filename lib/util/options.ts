/** Validation of option bags shared by the public entry points. */
import { OptionError } from '../errors.js';

/**
 * Throws an OptionError `<what>: unknown option '<key>' (known: a, b, ...)` for the first own key of
 * `opts` not in `known` (catches typos such as `winsize` or `tilesize`). `undefined` passes.
 */
export function checkOptionKeys(opts: object | undefined, known: readonly string[] | ReadonlySet<string>, what: string): void {
  if (opts === undefined) return;
  const list: readonly string[] = Array.isArray(known) ? known : [...known];
  for (const k of Object.keys(opts)) {
    if (!list.includes(k)) throw new OptionError(`${what}: unknown option '${k}' (known: ${list.join(', ')})`);
  }
}
