/**
 * Users as recipients of offline file envelopes: their X25519 keys from the
 * key directory, checked against this profile's pin by the SDK (a user seen
 * for the first time is pinned only after the fingerprint was confirmed), or
 * the pinned key alone when the server is unreachable. The sender is always a
 * recipient too, so they can open what they encrypted.
 */
import { isTransient } from '@coffer/client';
import { kidForPublicKey, type Recipient } from '@coffer/protocol';
import type { CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';
import { canPrompt, promptYesNo } from '../cli/prompt.ts';
import { type OpenedClient, sessionOf } from './open-client.ts';
import { lookupUser } from './user-keys.ts';
import { withAccountClient } from './with-client.ts';

export async function resolveFileRecipients(
  ctx: CommandContext,
  users: readonly string[],
): Promise<Recipient[]> {
  return withAccountClient(ctx, async (opened) => {
    const out: Recipient[] = [];
    const seen = new Set<string>();
    const add = async (publicKey: Uint8Array) => {
      const kid = await kidForPublicKey('x25519', publicKey);
      const id = Buffer.from(kid).toString('hex');
      if (!seen.has(id)) out.push({ type: 'x25519', kid, publicKey });
      seen.add(id);
    };
    await add(opened.state.bundle.x25519.publicKey);
    for (const user of users) {
      // Yourself: the key is your own bundle's (added above), not one the
      // server hands out, so there is nothing to look up, confirm or pin.
      if (user === opened.state.username) continue;
      let publicKey: Uint8Array;
      try {
        if ((await opened.store.getPinnedUser(user)) === undefined)
          await confirmFirstSight(ctx, opened, user);
        publicKey = (await lookupUser(opened, user)).x25519PublicKey;
      } catch (e) {
        const pinned = isTransient(e) ? await opened.store.getPinnedUser(user) : undefined;
        if (pinned === undefined) throw e;
        ctx.out.warn(`server unreachable: using the key of ${user} pinned on this device`);
        publicKey = pinned.x25519PublicKey;
      }
      await add(publicKey);
    }
    if (out.length > 32)
      throw new CliError('usage', 'too_many_recipients', 'at most 31 recipients besides yourself');
    return out;
  });
}

/**
 * A key the server hands out for someone never checked here could be the
 * server's own: as `vault share` does, the person compares the fingerprint
 * before anything is sealed to it (or pinned). Looking pins nothing.
 */
async function confirmFirstSight(
  ctx: CommandContext,
  opened: OpenedClient,
  user: string,
): Promise<void> {
  const { fingerprint } = await lookupUser(opened, user, { pin: false });
  if (!canPrompt() || ctx.out.json)
    throw new CliError(
      'usage',
      'fingerprint_required',
      `${user}'s key is not pinned on this device; their fingerprint is ${fingerprint}`,
      `compare it with ${user} out of band, then \`coffer user show ${user}\` pins it; encrypt again after that`,
    );
  ctx.out.info(`${user}'s fingerprint: ${fingerprint}`);
  if (!(await promptYesNo(`Does ${user} read the same fingerprint to you?`)))
    throw new CliError('crypto', 'fingerprint_rejected', `not encrypted to ${user}`);
}

export async function fileDecryptionKeys(
  ctx: CommandContext,
): Promise<Array<{ kid: Uint8Array; privateKey: Uint8Array }>> {
  const { requireAccount } = await import('./profile.ts');
  const { unlockAccount } = await import('./open-client.ts');
  const profile = await requireAccount(ctx);
  const state = await unlockAccount(ctx, profile.home, profile.username);
  const session = await sessionOf(state);
  return [{ kid: session.encryptionKid, privateKey: state.bundle.x25519.privateKey }];
}
