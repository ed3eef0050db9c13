// Accounts against the real server: signup, login from a second device with
// only username + passphrase, logout, passphrase change, sessions, and the
// version handshake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTlsFetch } from '../../src/node.ts';
import { ServerProblemError, VersionNotSupportedError } from '../../src/transport/errors.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { device, signedUp } from './clients.ts';
import { startTestServer, type TestServer } from './server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
});

describe('accounts over HTTPS', () => {
  it('handshake accepts this protocol; another version is a typed error naming the upgrade', async () => {
    const d = device(server);
    const meta = await d.client.handshake();
    expect(meta.protocol.accepted).toContain(1);
    const future = new HttpTransport({
      serverUrl: server.url,
      clientName: 'client-it',
      clientVersion: '9.0.0',
      fetch: createTlsFetch({ pinSha256: server.pinSha256 }),
      protocolVersion: 99,
    });
    const error = await future.getMeta().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionNotSupportedError);
    expect((error as VersionNotSupportedError).upgrade).toBe('server');
    expect((error as Error).message).toMatch(/upgrade coffer-server/);
  });

  it('a second device logs in with only username and passphrase and reads the same keys', async () => {
    const a = await signedUp(server, 'alice');
    const second = device(server);
    const session = await second.client.accounts.login(a.username, a.passphrase, 'laptop');
    expect(session.accountId).toBe(a.client.accounts.session?.accountId);
    expect(session.bundle.x25519.publicKey).toEqual(
      a.client.accounts.session?.bundle.x25519.publicKey,
    );
    const bad = await device(server)
      .client.accounts.login(a.username, 'wrong passphrase')
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Error);
  });

  it('lists and revokes sessions; a revoked session is refused', async () => {
    const a = await signedUp(server, 'sessions');
    const other = device(server);
    await other.client.accounts.login(a.username, a.passphrase, 'phone');
    const list = await a.client.accounts.listSessions();
    expect(list.sessions).toHaveLength(2);
    const phone = list.sessions.find((s) => !s.current);
    expect(phone?.label).toBe('phone');
    await a.client.accounts.revokeSession(phone!.sessionId);
    const refused = await other.client.accounts.listSessions().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServerProblemError);
    expect((refused as ServerProblemError).status).toBe(401);
    expect((await a.client.accounts.listSessions()).sessions).toHaveLength(1);
  });

  it('logout ends the session on the server and forgets the keys', async () => {
    const a = await signedUp(server, 'logout');
    await a.client.accounts.logout();
    expect(a.client.accounts.session).toBeUndefined();
    await expect(a.client.vaults.list()).rejects.toMatchObject({ code: 'not_logged_in' });
    await a.client.accounts.login(a.username, a.passphrase);
    expect((await a.client.accounts.listSessions()).sessions).toHaveLength(1);
  });

  it('passphrase change: the new one logs in to the same keys, the old one no longer does', async () => {
    const a = await signedUp(server, 'change');
    const vault = await a.client.vaults.create();
    await a.client.records.put(vault.vaultId, 'kept', { across: 'passphrase change' });
    await a.client.sync(vault.vaultId);
    await a.client.accounts.changePassphrase(a.passphrase, 'a much better passphrase');
    const fresh = device(server);
    await fresh.client.accounts.login(a.username, 'a much better passphrase');
    await fresh.client.sync(vault.vaultId);
    expect((await fresh.client.records.get(vault.vaultId, 'kept'))?.value).toEqual({
      across: 'passphrase change',
    });
    await expect(device(server).client.accounts.login(a.username, a.passphrase)).rejects.toThrow();
  });
});
