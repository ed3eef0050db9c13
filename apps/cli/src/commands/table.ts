/** Every `coffer` command, in the order `coffer --help` lists them. */
import type { CommandSpec } from '../cli/command.ts';
import { OFFLINE_COMMANDS } from './table-offline.ts';

export const COMMANDS: readonly CommandSpec[] = [...OFFLINE_COMMANDS];
