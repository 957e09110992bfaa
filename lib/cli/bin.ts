#!/usr/bin/env node
/** The `srcnn-ts` executable: runs {@link main} and exits with its code. */
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`srcnn-ts: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
