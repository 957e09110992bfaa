/** Runs the built CLI (build/lib/cli/bin.js) in a child process, for end-to-end command tests. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { repoRoot } from './paths.js';

const BIN = resolve(repoRoot, 'build', 'lib', 'cli', 'bin.js');

/** Exit code and output of one CLI run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `srcnn-ts <command> <args...>` with a 60 s limit. */
export function runCli(command: string, ...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [BIN, command, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
