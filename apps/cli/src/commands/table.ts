/** Every `coffer` command, in the order `coffer --help` lists them. */
import type { CommandSpec } from '../cli/command.ts';
import { ACCOUNT_COMMANDS } from './table-account.ts';
import { OFFLINE_COMMANDS } from './table-offline.ts';
import { VAULT_COMMANDS } from './table-vault.ts';

export const COMMANDS: readonly CommandSpec[] = [
  ...ACCOUNT_COMMANDS,
  ...VAULT_COMMANDS,
  ...OFFLINE_COMMANDS,
];
