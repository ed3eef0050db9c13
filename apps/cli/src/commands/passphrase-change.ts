/** `coffer passphrase change`: re-seal the key bundle under a new passphrase (SDK), then the local state. */
import { loadAccountState, saveAccountState } from '../account/account-state.ts';
import { buildClient, sessionOf } from '../account/open-client.ts';
import { requireAccount } from '../account/profile.ts';
import { type CommandContext, stringOption } from '../cli/command.ts';
import { readNewPassphrase, readPassphrase } from '../cli/passphrase.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const profile = await requireAccount(ctx);
  const oldPassphrase = await readPassphrase(ctx, 'Current passphrase');
  const state = await loadAccountState(profile.home, profile.username, oldPassphrase);
  const newPassphrase = await readNewPassphrase(ctx, {
    envName: 'COFFER_NEW_PASSPHRASE',
    file: stringOption(ctx, 'new-passphrase-file'),
  });
  const opened = buildClient(profile);
  try {
    opened.client.accounts.resume(await sessionOf(state), state.token);
    await opened.client.accounts.changePassphrase(oldPassphrase, newPassphrase);
  } finally {
    await opened.close();
  }
  await saveAccountState(profile.home, state, newPassphrase);
  ctx.out.result(
    { changed: true },
    'passphrase changed (other devices use the new one at their next login)',
  );
}
