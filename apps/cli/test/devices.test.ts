/** `coffer devices` and `devices revoke`: where an account is logged in, and ending a lost device's session. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, json } from './helpers/cli.ts';
import { type Device, newDevice } from './helpers/device.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let laptop: Device;
let lost: Device;
const PASS = 'dora passphrase on two devices';

interface Listed {
  sessionId: string;
  label: string;
  current: boolean;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}
const devicesOf = async (d: Device) => json(await d.ok(['--json', 'devices'])).devices as Listed[];

beforeAll(async () => {
  server = await startTestServer();
  laptop = await newDevice(PASS);
  lost = await newDevice(PASS);
  const trust = ['--server', server.url, '--username', 'dora', '--pin', server.fingerprint];
  await laptop.ok(['signup', ...trust, '--device', 'dora laptop']);
  await lost.ok(['login', ...trust, '--device', 'old phone 📱']);
  await laptop.ok(['vault', 'create', 'notes']);
  await laptop.ok(['put', 'notes', 'k', 'v']);
  expect((await lost.ok(['get', 'notes', 'k'])).stdout).toBe('v');
});
afterAll(() => server.stop());

describe('coffer devices', () => {
  it('lists both sessions by the names given at login, this device first', async () => {
    const listed = await devicesOf(laptop);
    expect(listed.map((d) => [d.label, d.current])).toEqual([
      ['dora laptop', true],
      ['old phone 📱', false],
    ]);
    for (const d of listed) {
      expect(d.sessionId).toMatch(/^[0-9a-f]{32}$/);
      expect(d.createdAt).toBeGreaterThan(Date.parse('2026-01-01'));
      expect(d.lastSeenAt).toBeGreaterThanOrEqual(d.createdAt);
      expect(d.expiresAt).toBeGreaterThan(d.lastSeenAt);
    }
    // The other device sees the same two, itself as current.
    const fromLost = await devicesOf(lost);
    expect(fromLost.find((d) => d.current)?.sessionId).toBe(listed[1]?.sessionId);
    const text = (await laptop.ok(['devices'])).stdout.split('\n');
    expect(text[0]).toMatch(
      new RegExp(
        `^${listed[0]?.sessionId.slice(0, 12)}\\tdora laptop \\(this device\\)\\tlast seen \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\tlogged in \\S+Z$`,
      ),
    );
    expect(text[1]).toMatch(/^[0-9a-f]{12}\told phone 📱\tlast seen /);
  });

  it('refuses a bad device name before anything is asked or written', async () => {
    const other = await newDevice(PASS);
    expectFailure(
      await other.run([
        'login',
        '--server',
        server.url,
        '-u',
        'dora',
        '--pin',
        server.fingerprint,
        '--device',
        'evil\u202Eexe.txt',
      ]),
      2,
      /bad --device: must not contain control or format characters/,
    );
    expectFailure(await other.run(['whoami']), 3, /not logged in/);
  });

  it('revoke refuses this device, an unknown id and a too short one, and changes nothing', async () => {
    const [own, other] = await devicesOf(laptop);
    expectFailure(
      await laptop.run(['devices', 'revoke', own!.sessionId.slice(0, 10)]),
      2,
      /that is this device's own session\n.*coffer logout/,
    );
    expectFailure(
      await laptop.run(['devices', 'revoke', '0123abcd0123abcd']),
      4,
      /no session 0123abcd0123abcd/,
    );
    expectFailure(await laptop.run(['devices', 'revoke', 'abc']), 2, /8 or more hex characters/);
    expect((await devicesOf(laptop)).map((d) => d.sessionId)).toEqual([
      own!.sessionId,
      other!.sessionId,
    ]);
    expect((await lost.ok(['get', 'notes', 'k', '--sync'])).stdout).toBe('v');
  });

  it('revoke ends the other device: it can no longer sync and must log in again', async () => {
    const [, other] = await devicesOf(laptop);
    const revoked = await laptop.ok([
      '--json',
      'devices',
      'revoke',
      other!.sessionId.slice(0, 12).toUpperCase(),
    ]);
    expect(json(revoked)).toMatchObject({
      ok: true,
      revoked: { sessionId: other!.sessionId, label: 'old phone 📱' },
    });
    expect((await devicesOf(laptop)).map((d) => d.label)).toEqual(['dora laptop']);
    expectFailure(
      await lost.run(['sync']),
      3,
      /no longer accepts this device's session \(.*ended from another device/,
    );
    expectFailure(await laptop.run(['devices', 'revoke', other!.sessionId]), 4, /no session/);
    // Logging in again (with the passphrase) gives it a new session.
    await lost.ok(['login', '--server', server.url, '-u', 'dora', '--pin', server.fingerprint]);
    expect((await lost.ok(['get', 'notes', 'k', '--sync'])).stdout).toBe('v');
    expect((await devicesOf(laptop)).map((d) => d.label)).toEqual([
      'dora laptop',
      `coffer-cli on ${process.platform}`,
    ]);
  });
});
