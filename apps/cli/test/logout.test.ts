/**
 * `coffer logout` deletes the replica: what exists only there (changes never
 * pushed, conflict copies) must be pushed first or stop it, never vanish
 * behind a warning printed after the fact.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, json } from './helpers/cli.ts';
import { type Device, newDevice } from './helpers/device.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
const PASS = 'gina passphrase for logging out';

async function device(): Promise<Device> {
  const d = await newDevice(PASS);
  await d.ok(['login', '--server', server.url, '-u', 'gina', '--pin', server.fingerprint]);
  await d.unlock();
  return d;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  server = await startTestServer();
  const first = await newDevice(PASS);
  await first.ok(['signup', '--server', server.url, '-u', 'gina', '--pin', server.fingerprint]);
  await first.ok(['vault', 'create', 'notes']);
  await first.ok(['put', 'notes', 'shared', 'v0']);
});
afterAll(() => server.stop());

describe('logout', () => {
  it('pushes changes made offline before it forgets the replica', async () => {
    const laptop = await device();
    await laptop.ok(['sync']);
    await server.stop();
    await laptop.ok(['put', 'notes', 'written-offline', 'precious']);
    await server.start();
    const out = json(await laptop.ok(['--json', 'logout']));
    expect(out).toMatchObject({ ok: true, loggedOut: true, discardedPending: 0 });
    const other = await device();
    expect((await other.ok(['get', 'notes', 'written-offline'])).stdout).toBe('precious');
  });

  it('refuses while changes cannot be pushed, keeps everything, and --force discards them', async () => {
    const laptop = await device();
    await laptop.ok(['sync']);
    await server.stop();
    try {
      await laptop.ok(['put', 'notes', 'stuck', 'only here']);
      expectFailure(
        await laptop.run(['logout']),
        5,
        /not logged out: this device holds 1 change\(s\) that were never pushed[\s\S]*coffer logout --force/,
      );
      // Nothing was deleted: the value still reads from the replica.
      expect(await exists(join(laptop.home, 'account.sealed'))).toBe(true);
      expect(await exists(join(laptop.home, 'replica.sqlite-outbox-lock'))).toBe(true);
      expect((await laptop.ok(['get', 'notes', 'stuck'])).stdout).toBe('only here');
      const forced = await laptop.ok(['--json', 'logout', '--force']);
      expect(json(forced)).toMatchObject({ ok: true, discardedPending: 1 });
      expect(forced.stderr).toMatch(/1 local change\(s\) that were never pushed were discarded/);
      for (const f of ['replica.sqlite', 'replica.sqlite-outbox-lock'])
        expect(await exists(join(laptop.home, f))).toBe(false);
    } finally {
      await server.start();
    }
  });

  it('refuses while a conflict copy is unresolved (the losing version exists only here)', async () => {
    const laptop = await device();
    const desktop = await device();
    await laptop.ok(['sync']);
    await desktop.ok(['sync']);
    await server.stop();
    await laptop.ok(['put', 'notes', 'shared', 'laptop']);
    await desktop.ok(['put', 'notes', 'shared', 'desktop']);
    await server.start();
    await laptop.ok(['sync']);
    await desktop.ok(['sync']);
    expect(json(await desktop.ok(['--json', 'status']))).toMatchObject({ conflicts: 1 });
    expectFailure(
      await desktop.run(['logout']),
      5,
      /1 unresolved conflict copy[\s\S]*coffer resolve/,
    );
    await desktop.ok(['resolve', 'notes', 'shared', '--keep', 'mine']);
    await desktop.ok(['logout']);
  });
});
