/**
 * A user's public keys from the server's key directory, with the one failure
 * people actually hit (a misspelt or unknown name) said in their words
 * instead of the server's generic "Not found" problem title.
 */
import type { UserKeys } from '@coffer/client';
import { toCliError } from '../cli/errors.ts';
import { CliError } from '../cli/exit-codes.ts';
import type { OpenedClient } from './open-client.ts';

export async function lookupUser(
  opened: OpenedClient,
  username: string,
  options: { pin?: boolean } = {},
): Promise<UserKeys> {
  try {
    return await opened.client.vaults.userKeys(username, options);
  } catch (e) {
    if (toCliError(e)?.exit === 'notFound') {
      throw new CliError(
        'notFound',
        'user_not_found',
        `no user named ${username} on ${opened.profile.server.origin}`,
        'check the spelling; the user signs up first with `coffer signup`',
      );
    }
    throw e;
  }
}
