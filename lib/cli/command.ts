import type { OptionSpecs, Parsed } from './args.js';
import type { ProgressSink } from './progress.js';

/** What a command gets besides its parsed arguments. */
export interface CliContext {
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM. */
  signal: AbortSignal;
  json: boolean;
  quiet: boolean;
  /** A line on stdout (results). */
  print(line: string): void;
  /** A line on stderr unless --quiet (information). */
  info(line: string): void;
  /** A progress bar on stderr (silent with --quiet or --json). */
  progress(label: string): ProgressSink;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpecs;
  run(args: Parsed, ctx: CliContext): Promise<void>;
}
