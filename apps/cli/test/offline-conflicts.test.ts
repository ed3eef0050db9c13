/** Offline-first writes and conflicts through the built binary against a real server that goes down and up. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, json } from './helpers/cli.ts';
import { type Device, newDevice } from './helpers/device.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let laptop: Device;
let desktop: Device;
const PASS = 'carol passphrase for two devices';

beforeAll(async () => {
  server = await startTestServer();
  laptop = await newDevice(PASS);
  desktop = await newDevice(PASS);
  await laptop.ok([
    'signup',
    '--server',
    server.url,
    '--username',
    'carol',
    '--pin',
    server.fingerprint,
  ]);
  await desktop.ok([
    'login',
    '--server',
    server.url,
    '--username',
    'carol',
    '--pin',
    server.fingerprint,
  ]);
  await laptop.unlock();
  await desktop.unlock();
  await laptop.ok(['vault', 'create', 'notes']);
  await laptop.ok(['put', 'notes', 'shared', 'v0']);
  // Both devices have the vault (and its keys) before going offline.
  expect((await desktop.ok(['get', 'notes', 'shared'])).stdout).toBe('v0');
});
afterAll(() => server.stop());

describe('offline', () => {
  it('puts while the server is down stay queued and are pushed on the next sync', async () => {
    await server.stop();
    const put = await laptop.ok(['put', 'notes', 'offline-key', 'written offline']);
    expect(put.stderr).toMatch(/saved locally/);
    expect((await laptop.ok(['get', 'notes', 'offline-key'])).stdout).toBe('written offline');
    expect(json(await laptop.ok(['--json', 'status']))).toMatchObject({ pending: 1 });
    expectFailure(await laptop.run(['sync']), 6, /cannot reach the server; 1 change/);
    // A file above the inline limit is uploaded straight away: refused offline, saying why.
    const big = join(laptop.home, 'big.bin');
    await writeFile(big, Buffer.alloc(200 * 1024, 7));
    expectFailure(
      await laptop.run(['put', 'notes', 'big', '--file', big]),
      6,
      /cannot upload .*big\.bin: the server is unreachable\n.*only smaller values work offline/,
    );
    await server.start();
    await laptop.ok(['sync']);
    expect(json(await laptop.ok(['--json', 'status']))).toMatchObject({ pending: 0 });
    expect((await desktop.ok(['get', 'notes', 'offline-key'])).stdout).toBe('written offline');
  });
});

describe('conflicts', () => {
  it('two devices edit one key offline: both versions survive and resolve settles it', async () => {
    await server.stop();
    await laptop.ok(['put', 'notes', 'shared', 'from the laptop']);
    await desktop.ok(['put', 'notes', 'shared', 'from the desktop']);
    await server.start();
    await laptop.ok(['sync']);
    await desktop.ok(['sync']);
    await laptop.ok(['sync']);
    // Newest edit wins on both devices; the device that met the conflict keeps the loser as a copy.
    const winner = (await laptop.ok(['get', 'notes', 'shared'])).stdout;
    expect((await desktop.ok(['get', 'notes', 'shared'])).stdout).toBe(winner);
    expect(winner).toBe('from the desktop');
    const conflicts = json(await desktop.ok(['--json', 'conflicts', 'notes'])).conflicts as Array<{
      updatedAt: number;
      detectedAt: number;
    }>;
    expect(conflicts).toEqual([
      expect.objectContaining({
        vault: 'notes',
        key: 'shared',
        lost: 'theirs',
        type: 'text/plain; charset=utf-8',
        deleted: false,
      }),
    ]);
    // The losing edit's own time: written before the conflict was found.
    const [copy] = conflicts;
    expect(copy?.updatedAt).toBeLessThanOrEqual(copy?.detectedAt ?? 0);
    expect(copy?.updatedAt).toBeGreaterThan(0);
    const history = json(await desktop.ok(['--json', 'history', 'notes', 'shared'])).versions;
    expect(history).toEqual([
      {
        kind: 'current',
        type: 'text/plain; charset=utf-8',
        value: 'from the desktop',
        updatedAt: expect.any(Number),
        pending: false,
      },
      // Which side lost, in resolve's words; its own type and edit time, and when the conflict was found.
      {
        kind: 'conflict',
        lost: 'theirs',
        type: 'text/plain; charset=utf-8',
        value: 'from the laptop',
        deleted: false,
        updatedAt: copy?.updatedAt,
        detectedAt: expect.any(Number),
      },
    ]);
    // A person sees both values before choosing.
    expect((await desktop.ok(['history', 'notes', 'shared'])).stdout).toMatch(
      /^current\t\S+\t"from the desktop"\nconflict: theirs \(lost\)\tdetected \S+\t"from the laptop"\n$/,
    );
    expectFailure(
      await desktop.run(['resolve', 'notes', 'shared']),
      2,
      /--keep mine or --keep theirs/,
    );
    await desktop.ok(['resolve', 'notes', 'shared', '--keep', 'theirs']);
    expect(json(await desktop.ok(['--json', 'conflicts'])).conflicts).toEqual([]);
    await laptop.ok(['sync']);
    expect((await laptop.ok(['get', 'notes', 'shared'])).stdout).toBe('from the laptop');
    expect((await desktop.ok(['get', 'notes', 'shared'])).stdout).toBe('from the laptop');
    expectFailure(
      await desktop.run(['resolve', 'notes', 'shared', '--keep', 'mine']),
      4,
      /no conflict on shared/,
    );
  });
});

describe('a conflict whose kept version was deleted since', () => {
  it('says the kept version is a deletion, and --keep theirs brings the copy back', async () => {
    await server.stop();
    await laptop.ok(['put', 'notes', 'gone', 'laptop draft']);
    await desktop.ok(['put', 'notes', 'gone', 'desktop draft']);
    await server.start();
    await laptop.ok(['sync']);
    await desktop.ok(['sync']);
    const listed = () => desktop.ok(['--json', 'conflicts', 'notes']);
    expect(json(await listed()).conflicts).toEqual([
      expect.objectContaining({ key: 'gone', lost: 'theirs', keptDeleted: false }),
    ]);
    expect((await desktop.ok(['conflicts'])).stdout).toMatch(
      /^notes\tgone\tkept: mine \(resolve with --keep mine\|theirs\)\n$/,
    );
    await desktop.ok(['rm', 'notes', 'gone']);
    expect(json(await listed()).conflicts).toEqual([
      expect.objectContaining({ key: 'gone', lost: 'theirs', deleted: false, keptDeleted: true }),
    ]);
    expect((await desktop.ok(['conflicts'])).stdout).toMatch(
      /^notes\tgone\tkept: mine, a deletion \(resolve with --keep mine\|theirs\)\n$/,
    );
    await desktop.ok(['resolve', 'notes', 'gone', '--keep', 'theirs']);
    expect(json(await listed()).conflicts).toEqual([]);
    expect((await desktop.ok(['get', 'notes', 'gone'])).stdout).toBe('laptop draft');
    await laptop.ok(['sync']);
    expect((await laptop.ok(['get', 'notes', 'gone'])).stdout).toBe('laptop draft');
  });
});

describe('a passphrase changed on another device', () => {
  it('ends the session here with a message that says so; logging in again restores it', async () => {
    const NEW = 'carol changed her passphrase';
    await desktop.ok(['passphrase', 'change'], {
      env: { COFFER_SESSION: undefined, COFFER_NEW_PASSPHRASE: NEW },
    });
    const r = await laptop.run(['sync']);
    expectFailure(r, 3, /no longer accepts this device's session/);
    expect(r.stderr).toMatch(/log in again: coffer login/);
    const fresh = { COFFER_SESSION: undefined, COFFER_PASSPHRASE: NEW };
    // The new passphrase opens this device's profile only once it logs in with it: say so.
    expectFailure(
      await laptop.run(['sync'], { env: fresh }),
      3,
      /wrong passphrase\n {2}changed it on another device\? .*coffer login --username carol/,
    );
    await laptop.ok(['login', '-u', 'carol'], { env: fresh });
    await laptop.ok(['sync'], { env: fresh });
    expect((await laptop.ok(['get', 'notes', 'shared'], { env: fresh })).stdout).toBe(
      'from the laptop',
    );
  });
});
