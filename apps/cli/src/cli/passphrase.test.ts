// Where a script is told to put a passphrase when there is no terminal to ask on.
import { describe, expect, it } from 'vitest';
import type { CommandContext } from './command.ts';
import { readFilePassphrase, readPassphrase } from './passphrase.ts';

function ctx(env: NodeJS.ProcessEnv): CommandContext {
  return {
    globals: { home: '/nonexistent', json: false, server: undefined, passphraseFile: undefined },
    args: {},
    rest: [],
    options: {},
    out: undefined as never,
    env,
  };
}

describe('no passphrase and no terminal', () => {
  it('an account passphrase: the variable, the file, or a session', async () => {
    await expect(readPassphrase(ctx({}))).rejects.toMatchObject({
      code: 'passphrase_required',
      hint: expect.stringContaining('COFFER_SESSION'),
    });
  });

  it.each([true, false])(
    "a file's passphrase (choosing: %s) names COFFER_FILE_PASSPHRASE, not a session that cannot open it",
    async (choosing) => {
      const e = await readFilePassphrase(ctx({}), 'Passphrase', { choosing }).catch(
        (err: unknown) => err,
      );
      expect(e).toMatchObject({
        code: 'passphrase_required',
        exit: 'auth',
        hint: 'set COFFER_FILE_PASSPHRASE (or COFFER_PASSPHRASE), or pass --passphrase-file PATH',
      });
    },
  );

  it('COFFER_FILE_PASSPHRASE is taken first', async () => {
    const read = await readFilePassphrase(
      ctx({ COFFER_FILE_PASSPHRASE: 'file passphrase', COFFER_PASSPHRASE: 'account one' }),
      'Passphrase',
      { choosing: false },
    );
    expect(read).toEqual({ passphrase: 'file passphrase', fromAccountEnv: false });
  });
});
