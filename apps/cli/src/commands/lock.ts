/** `coffer lock`: end every unlocked session of this profile (deletes session.sealed). */
import { deleteSession } from '../account/session-file.ts';
import type { CommandContext } from '../cli/command.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const existed = await deleteSession(ctx.globals.home);
  ctx.out.result({ locked: true, hadSession: existed }, existed ? 'locked' : 'already locked');
}
