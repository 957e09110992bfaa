/**
 * `srcnn-ts <command> [options]`. Exit codes: 0 success, 1 runtime failure, 2 bad usage,
 * 130 interrupted (Ctrl-C: work stops at the next tile, no partial output file is left).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flag, helpText, parse } from './args.js';
import type { CliContext, Command } from './command.js';
import { COMMANDS } from './commands/index.js';
import { classify, EXIT, UsageError } from './errors.js';
import { createProgress } from './progress.js';

function version(): string {
  const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

function topHelp(): string {
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n');
  return `srcnn-ts ${version()}: SRCNN super-resolution in pure TypeScript\n\nUsage: srcnn-ts <command> [options]\n\nCommands:\n${rows}\n\nGlobal: --help (also per command), --version, --json, --quiet\nExit codes: 0 ok, 1 failure, 2 bad usage, 130 interrupted\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(topHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const cmd: Command | undefined = COMMANDS.find((c) => c.name === name);
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let json = false;
  try {
    if (!cmd) throw new UsageError(`unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
    const args = parse(rest, cmd.options);
    if (flag(args, 'help')) {
      process.stdout.write(helpText(cmd.usage, cmd.summary, cmd.options));
      return EXIT.ok;
    }
    json = flag(args, 'json');
    const quiet = flag(args, 'quiet');
    const ctx: CliContext = {
      signal: controller.signal,
      json,
      quiet,
      print: (line) => process.stdout.write(`${line}\n`),
      info: (line) => {
        if (!quiet) process.stderr.write(`${line}\n`);
      },
      progress: (label) => createProgress({ quiet: quiet || json, label }),
    };
    await cmd.run(args, ctx);
    return EXIT.ok;
  } catch (e) {
    const { code, message } = classify(e);
    if (json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
    process.stderr.write(`srcnn-ts${cmd ? ` ${cmd.name}` : ''}: ${message}\n`);
    if (code === EXIT.usage) process.stderr.write(`Try 'srcnn-ts ${cmd ? `${cmd.name} ` : ''}--help'.\n`);
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
