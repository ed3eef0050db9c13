/**
 * Users as recipients of offline file envelopes: their X25519 keys as pinned
 * in this profile, and the caller's own private key for decryption. Needs the
 * account layer of @coffer/client (wired in the account commands).
 */
import type { Recipient } from '@coffer/protocol';
import type { CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';

function unavailable(): CliError {
  return new CliError(
    'usage',
    'not_available',
    'recipient envelopes need an account, which this build cannot use yet',
    'use --passphrase',
  );
}

export async function resolveFileRecipients(
  _ctx: CommandContext,
  _users: readonly string[],
): Promise<Recipient[]> {
  throw unavailable();
}

export async function fileDecryptionKeys(
  _ctx: CommandContext,
): Promise<Array<{ kid: Uint8Array; privateKey: Uint8Array }>> {
  throw unavailable();
}
