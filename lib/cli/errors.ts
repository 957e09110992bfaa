import { SrcnnError } from '../errors.js';

/** Bad command-line usage: unknown command or option, missing argument. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Process exit codes of the CLI. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** The exit code and one-line message for an error escaping a command. */
export function classify(e: unknown): { code: number; message: string } {
  if (e instanceof UsageError) return { code: EXIT.usage, message: e.message };
  if (e instanceof SrcnnError && e.code === 'E_ABORT') return { code: EXIT.interrupted, message: 'interrupted' };
  if (e instanceof SrcnnError && e.code === 'E_OPTION') return { code: EXIT.usage, message: e.message };
  if (e instanceof SrcnnError) return { code: EXIT.failure, message: e.message };
  return { code: EXIT.failure, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}
