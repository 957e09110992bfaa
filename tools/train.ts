/**
 * Shim for `srcnn-ts train` (lib/cli/commands/train.ts, logic in lib/node/train_run.ts), kept
 * because docs/training.md and the shipped weights' `training_command` metadata use this form:
 *
 *   node build/tools/train.js --scale 2 --arch 9-1-5 --optimizer adam --lr 1e-3 --schedule cosine \
 *     --batch 64 --steps 40000 --augment --val-every 1000 --out runs/x2 [--resume] [--init-from FILE]
 *   node build/tools/train.js --out runs/x2 --export weights/srcnn-9-1-5-x2.safetensors [--set14]
 *
 * Same options, output and exit codes as `srcnn-ts train` (`--help` lists them).
 */
import { main } from '../lib/cli/main.js';

process.exitCode = await main(['train', ...process.argv.slice(2)]);
