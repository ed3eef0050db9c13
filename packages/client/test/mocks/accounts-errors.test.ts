// What an application meets when a person types the wrong passphrase.
import { describe, expect, it } from 'vitest';
import { CofferClientError, ServerProblemError } from '../../src/transport/errors.ts';
import { appClient, useCoffer } from './harness.ts';

const coffer = useCoffer();
const PASSPHRASE = 'correct horse battery';
const client = () => appClient();

describe('wrong passphrases', () => {
  it('login: a 401 that says wrong username or passphrase, the same for an unknown user', async () => {
    await client().accounts.signup('alice', PASSPHRASE);
    for (const [username, passphrase] of [
      ['alice', 'not the passphrase'],
      ['nobody', PASSPHRASE],
    ] as const) {
      const error = await client()
        .accounts.login(username, passphrase)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServerProblemError);
      expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
      expect((error as Error).message).toBe('Unauthorized: wrong username or passphrase');
    }
  });

  it('changePassphrase with a wrong current one: an SDK error saying so, nothing changed', async () => {
    const a = client();
    await a.accounts.signup('alice', PASSPHRASE);
    await a.accounts.login('alice', PASSPHRASE);
    const error = await a.accounts
      .changePassphrase('not the passphrase', 'the next passphrase')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CofferClientError);
    expect(error).toMatchObject({ code: 'key_not_found' });
    expect((error as Error).message).toBe('the current passphrase is wrong');
    // Still the old passphrase.
    await expect(client().accounts.login('alice', PASSPHRASE)).resolves.toMatchObject({
      username: 'alice',
    });
  });

  it('a username the server would refuse is a bad_argument naming the rule, before key derivation', async () => {
    for (const call of [
      () => client().accounts.signup('Alice Smith', PASSPHRASE),
      () => client().accounts.login('Alice Smith', PASSPHRASE),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CofferClientError);
      expect(error).toMatchObject({ code: 'bad_argument' });
      expect((error as Error).message).toMatch(/^a username must be 3-64 lower-case letters/);
    }
    expect(coffer.mock.requests).toEqual([]);
  });
});
