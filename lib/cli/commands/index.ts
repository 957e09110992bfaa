import type { Command } from '../command.js';
import { bench } from './bench.js';
import { compare } from './compare.js';
import { degrade } from './degrade.js';
import { evalCommand } from './eval.js';
import { train } from './train.js';
import { upscale } from './upscale.js';

/** Every CLI command, in the order --help lists them. */
export const COMMANDS: readonly Command[] = [upscale, degrade, compare, evalCommand, train, bench];
