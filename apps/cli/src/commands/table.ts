/** Every `coffer` command, in the order `coffer --help` lists them. */
import type { CommandSpec } from '../cli/command.ts';

export const COMMANDS: readonly CommandSpec[] = [];
