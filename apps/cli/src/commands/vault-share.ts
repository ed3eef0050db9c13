/**
 * `coffer vault share NAME USER`: the SDK fetches USER's keys and checks them
 * against this profile's pin; the CLI makes the person compare the
 * fingerprint (or pass it with --fingerprint) before any key is granted.
 * Sharing again with another --role changes the member's role (no new grant).
 */
import { fingerprintsEqual } from '@coffer/protocol';
import { lookupUser } from '../account/user-keys.ts';
import { resolveVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, type CommandContext, stringOption } from '../cli/command.ts';
import { CliError, usageError } from '../cli/exit-codes.ts';
import { canPrompt, promptYesNo } from '../cli/prompt.ts';

const ROLES = ['reader', 'writer', 'admin'] as const;
type Role = (typeof ROLES)[number];

export async function run(ctx: CommandContext): Promise<void> {
  const name = arg(ctx, 'NAME');
  const user = arg(ctx, 'USER');
  const roleRaw = stringOption(ctx, 'role') ?? 'writer';
  if (!(ROLES as readonly string[]).includes(roleRaw))
    throw usageError(`--role must be one of ${ROLES.join(', ')}`);
  const role = roleRaw as Role;
  const expected = stringOption(ctx, 'fingerprint');
  if (expected !== undefined && !/^[0-9]{60}$/.test(expected.replace(/\s+/g, '')))
    throw usageError(
      '--fingerprint must be 60 digits (12 groups of 5, as `coffer user show` prints them)',
    );
  const result = await withAccountClient(ctx, async (opened) => {
    const vaultId = await resolveVault(opened, name, { sync: false });
    const pinned = await opened.store.getPinnedUser(user);
    // Only look: the share below pins, once the fingerprint was confirmed. A
    // key that changed since it was pinned is refused by the SDK.
    const keys = await lookupUser(opened, user, { pin: false });
    if (expected !== undefined) {
      if (!fingerprintsEqual(keys.fingerprint, expected)) {
        throw new CliError(
          'crypto',
          'fingerprint_mismatch',
          `the fingerprint of ${user} is ${keys.fingerprint}, not the one you gave`,
          'do not share: compare fingerprints with the user again',
        );
      }
    } else if (pinned === undefined) {
      if (!canPrompt() || ctx.out.json) {
        throw new CliError(
          'usage',
          'fingerprint_required',
          `${user}'s fingerprint is ${keys.fingerprint}`,
          `compare it with ${user} out of band, then pass --fingerprint "${keys.fingerprint}"`,
        );
      }
      ctx.out.info(`${user}'s fingerprint: ${keys.fingerprint}`);
      if (!(await promptYesNo(`Does ${user} read the same fingerprint to you?`))) {
        throw new CliError('crypto', 'fingerprint_rejected', 'not shared');
      }
    }
    const member = (await opened.client.vaults.members(vaultId)).find(
      (m) => m.accountId === keys.accountId,
    );
    if (member !== undefined && member.role === role) {
      throw new CliError(
        'conflict',
        'already_member',
        `${user} is already a member of ${name} as ${role}`,
        'another --role changes the role; `coffer vault members` lists them',
      );
    }
    if (member !== undefined) {
      await opened.client.vaults.changeRole(vaultId, keys.accountId, role);
      return { fingerprint: keys.fingerprint, previousRole: member.role };
    }
    await opened.client.vaults.share(vaultId, user, role);
    return { fingerprint: keys.fingerprint, previousRole: null };
  });
  ctx.out.result(
    { vault: name, user, role, fingerprint: result.fingerprint, previousRole: result.previousRole },
    result.previousRole === null
      ? `shared ${name} with ${user} as ${role}`
      : `changed the role of ${user} in ${name} from ${result.previousRole} to ${role}`,
  );
}
