/** `coffer unlock`: derive the keys once; print a COFFER_SESSION token for scripts. */
import { encodeAccountState, loadAccountState } from '../account/account-state.ts';
import { requireAccount } from '../account/profile.ts';
import { createSession } from '../account/session-file.ts';
import { booleanOption, type CommandContext } from '../cli/command.ts';
import { readPassphrase } from '../cli/passphrase.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const profile = await requireAccount(ctx);
  const state = await loadAccountState(profile.home, profile.username, await readPassphrase(ctx));
  const token = await createSession(profile.home, encodeAccountState(state));
  if (booleanOption(ctx, 'raw') && !ctx.out.json) {
    ctx.out.streams.stdout.write(`${token}\n`);
    return;
  }
  ctx.out.result(
    { session: token },
    `unlocked. To use this session in this shell:\n  export COFFER_SESSION="${token}"\n(\`coffer lock\` ends it)`,
  );
}
