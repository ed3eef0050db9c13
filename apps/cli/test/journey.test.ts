/**
 * The full journey of issue 5 through the built binary against a real
 * coffer-server over pinned HTTPS: alice and bob share a vault, removal
 * rotates the key, a third device needs only username and passphrase, and
 * neither the server's data dir nor the profiles hold plaintext.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tooling/test-temp.ts';
import { expectFailure, json } from './helpers/cli.ts';
import { type Device, newDevice } from './helpers/device.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let work: string;
let alice: Device;
let bob: Device;
let aliceFingerprint: unknown;
const SECRET_VALUE = 'hunter2-the-plaintext-value-7f3a';
const KEY_NAME = 'db/password-keyname-91c2';
const VAULT_NAME = 'ops-vaultname-5d1e';
const FILE_BYTES = randomBytes(10 * 1024 * 1024);
const SMALL_BINARY = randomBytes(5_000);

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

/** Every needle absent, byte for byte, from every file under `dir`. */
async function expectAbsent(dir: string, needles: ReadonlyArray<string | Uint8Array>) {
  for (const file of await filesUnder(dir)) {
    const bytes = await readFile(file);
    for (const n of needles) {
      const needle = typeof n === 'string' ? Buffer.from(n) : Buffer.from(n);
      expect(
        bytes.indexOf(needle),
        `${needle.subarray(0, 16).toString('hex')} found in ${file}`,
      ).toBe(-1);
    }
  }
}

beforeAll(async () => {
  server = await startTestServer();
  work = await tempDir('coffer-work-');
  alice = await newDevice('alice passphrase, long enough');
  bob = await newDevice('bob passphrase, also long');
});
afterAll(() => server.stop());

describe('the journey', () => {
  it('alice signs up, creates a vault, stores a value and a file', async () => {
    const r = await alice.ok([
      '--json',
      'signup',
      '--server',
      server.url,
      '--username',
      'alice',
      '--pin',
      server.fingerprint,
    ]);
    expect(json(r)).toMatchObject({
      ok: true,
      username: 'alice',
      fingerprint: expect.stringMatching(/^(\d{5} ){11}\d{5}$/),
    });
    aliceFingerprint = json(r).fingerprint;
    await alice.unlock();
    await alice.ok(['vault', 'create', VAULT_NAME]);
    await alice.ok(['put', VAULT_NAME, KEY_NAME, SECRET_VALUE]);
    await writeFile(join(work, 'alice-file.bin'), FILE_BYTES);
    await alice.ok(['put', VAULT_NAME, 'files/blob.bin', '--file', join(work, 'alice-file.bin')]);
    expect((await alice.ok(['get', VAULT_NAME, KEY_NAME])).stdout).toBe(SECRET_VALUE);
    await alice.ok(['put', VAULT_NAME, 'small.bin'], { input: SMALL_BINARY });
    expect((await alice.ok(['get', VAULT_NAME, 'small.bin'])).stdoutBytes).toEqual(SMALL_BINARY);
    const keys = json(await alice.ok(['--json', 'ls', VAULT_NAME])).keys as Array<
      Record<string, unknown>
    >;
    expect(keys.map((k) => [k.name, k.pending])).toEqual([
      [KEY_NAME, false],
      ['files/blob.bin', false],
      ['small.bin', false],
    ]);
  });

  it('bob signs up; alice checks his fingerprint and shares; bob reads both byte-identical', async () => {
    const signup = json(
      await bob.ok([
        '--json',
        'signup',
        '--server',
        server.url,
        '-u',
        'bob',
        '--pin',
        server.fingerprint,
      ]),
    );
    await bob.unlock();
    const shown = json(await alice.ok(['--json', 'user', 'show', 'bob']));
    expect(shown.fingerprint).toBe(signup.fingerprint);
    // A wrong fingerprint is refused and nothing is shared.
    const wrong = '1'.repeat(60);
    expectFailure(
      await alice.run(['vault', 'share', VAULT_NAME, 'bob', '--fingerprint', wrong]),
      8,
      /fingerprint of bob is/,
    );
    await alice.ok([
      'vault',
      'share',
      VAULT_NAME,
      'bob',
      '--role',
      'writer',
      '--fingerprint',
      String(shown.fingerprint),
    ]);
    const members = json(await alice.ok(['--json', 'vault', 'members', VAULT_NAME])).members;
    // Her own fingerprint is known here (from her keys), bob's since `user show` pinned it.
    expect(members).toEqual(
      expect.arrayContaining([
        { username: 'alice', role: 'owner', fingerprint: aliceFingerprint },
        { username: 'bob', role: 'writer', fingerprint: shown.fingerprint },
      ]),
    );
    // Sharing again: the same role is a conflict; another role changes it (no second grant).
    const fp = ['--fingerprint', String(shown.fingerprint)];
    expectFailure(
      await alice.run(['vault', 'share', VAULT_NAME, 'bob', '--role', 'writer', ...fp]),
      5,
      /bob is already a member of .* as writer/,
    );
    const changed = await alice.ok([
      'vault',
      'share',
      VAULT_NAME,
      'bob',
      '--role',
      'reader',
      ...fp,
    ]);
    expect(changed.stdout).toMatch(/changed the role of bob in .* from writer to reader/);
    expect(
      json(
        await alice.ok(['--json', 'vault', 'share', VAULT_NAME, 'bob', '--role', 'writer', ...fp]),
      ),
    ).toMatchObject({ role: 'writer', previousRole: 'reader' });
    // Bob reads his own fingerprint from his keys (and the server agrees).
    const self = await bob.ok(['user', 'show', 'bob']);
    expect(self.stdout).toContain(String(signup.fingerprint));
    expect(self.stdout).toMatch(/this is you/);
    expect(json(await bob.ok(['--json', 'vault', 'list'])).vaults).toEqual([
      expect.objectContaining({ name: VAULT_NAME, role: 'writer' }),
    ]);
    expect((await bob.ok(['get', VAULT_NAME, KEY_NAME])).stdoutBytes).toEqual(
      Buffer.from(SECRET_VALUE),
    );
    const out = join(work, 'bob-file.bin');
    await bob.ok(['get', VAULT_NAME, 'files/blob.bin', '--out', out]);
    expect(Buffer.compare(await readFile(out), FILE_BYTES)).toBe(0);
    expect((await bob.ok(['get', VAULT_NAME, 'small.bin'])).stdoutBytes).toEqual(SMALL_BINARY);
    // A writer's own write, which alice's devices must keep reading after he leaves.
    await bob.ok(['put', VAULT_NAME, 'from-bob', 'written by bob as a writer']);
    await alice.ok(['sync']);
  });

  it('encrypts a file offline to bob and alice; bob and alice decrypt it, a stranger cannot', async () => {
    const plain = join(work, 'to-bob.txt');
    await writeFile(plain, 'for bob and alice only');
    await alice.ok(['encrypt', '--to', 'bob', plain, `${plain}.cfr`]);
    const forBob = await bob.ok(['decrypt', `${plain}.cfr`, '-']);
    expect(forBob.stdout).toBe('for bob and alice only');
    expect((await alice.ok(['decrypt', `${plain}.cfr`, '-'])).stdout).toBe(
      'for bob and alice only',
    );
    const stranger = await newDevice('stranger passphrase here');
    await stranger.ok([
      'signup',
      '--server',
      server.url,
      '-u',
      'mallory',
      '--pin',
      server.fingerprint,
    ]);
    expectFailure(
      await stranger.run(['decrypt', `${plain}.cfr`, join(stranger.home, 'x')]),
      8,
      /was not encrypted to you/,
    );
    expectFailure(
      await alice.run(['encrypt', '--to', 'nobody-by-that-name', plain, `${plain}.x.cfr`]),
      4,
      /no user named nobody-by-that-name on https:/,
    );
    // mallory's key was never checked on alice's device: a script is refused (the key the
    // server hands out could be its own), shown the fingerprint, and nothing is pinned.
    const unchecked = () => alice.run(['encrypt', '--to', 'mallory', plain, `${plain}.m.cfr`]);
    for (let i = 0; i < 2; i++)
      expectFailure(
        await unchecked(),
        2,
        /mallory's key is not pinned on this device; their fingerprint is (\d{5} ){11}\d{5}\n.*coffer user show mallory/,
      );
    await expect(readFile(`${plain}.m.cfr`)).rejects.toThrow();
    await alice.ok(['user', 'show', 'mallory']);
    await alice.ok(['encrypt', '--to', 'mallory', plain, `${plain}.m.cfr`]);
    expect((await stranger.ok(['decrypt', `${plain}.m.cfr`, '-'])).stdout).toBe(
      'for bob and alice only',
    );
    // Naming yourself is your own bundle's key (always a recipient): nothing to
    // look up or pin, even in a script, and no second stanza for it.
    const toSelf = json(
      await alice.ok(['--json', 'encrypt', '--to', 'alice', plain, `${plain}.self.cfr`]),
    );
    expect(toSelf.recipients).toEqual(['x25519']);
    expect((await alice.ok(['decrypt', `${plain}.self.cfr`, '-'])).stdout).toBe(
      'for bob and alice only',
    );
  });

  it('alice removes bob: the key rotates and new writes are unreadable to him', async () => {
    const r = json(await alice.ok(['--json', 'vault', 'remove', VAULT_NAME, 'bob']));
    expect(r.epoch).toBe(2);
    // Every record (4 of alice's, 1 of bob's) re-sealed under epoch 2 by alice.
    expect(r.reencrypted).toBe(5);
    await alice.ok(['put', VAULT_NAME, 'after-removal', 'new secret after removal']);
    // bob's next sync says the vault went away (by id: its name no longer opens), once.
    const synced = await bob.ok(['sync']);
    expect(synced.stderr).toMatch(
      /this account lost access to 1 vault\(s\) it had here .*: [0-9a-f]{32}/,
    );
    expect((await bob.ok(['sync'])).stderr).not.toMatch(/lost access/);
    const denied = await bob.run(['get', VAULT_NAME, 'after-removal']);
    expectFailure(denied, 4, /no vault named/);
    // Why it is gone: a removal (by id only; the name is secret and no longer opens).
    expect(denied.stderr).toMatch(/lost access to 1 vault\(s\) it had here/);
    expect((await alice.ok(['get', VAULT_NAME, 'after-removal'])).stdout).toBe(
      'new secret after removal',
    );
  });

  it("a third device of alice's logs in with username and passphrase only and sees everything", async () => {
    const third = await newDevice(alice.passphrase);
    await third.ok([
      'login',
      '--server',
      server.url,
      '--username',
      'alice',
      '--pin',
      server.fingerprint,
    ]);
    expect(json(await third.ok(['--json', 'vault', 'list'])).vaults).toEqual([
      expect.objectContaining({ name: VAULT_NAME, role: 'owner' }),
    ]);
    expect((await third.ok(['get', VAULT_NAME, KEY_NAME])).stdout).toBe(SECRET_VALUE);
    expect((await third.ok(['get', VAULT_NAME, 'after-removal'])).stdout).toBe(
      'new secret after removal',
    );
    // bob's past write: re-sealed by alice at the removal, not refused as a non-member's.
    expect((await third.ok(['get', VAULT_NAME, 'from-bob'])).stdout).toBe(
      'written by bob as a writer',
    );
    expect(json(await third.ok(['--json', 'status'])).conflicts).toBe(0);
    const out = join(work, 'third-file.bin');
    await third.ok(['get', VAULT_NAME, 'files/blob.bin', '--out', out]);
    expect(Buffer.compare(await readFile(out), FILE_BYTES)).toBe(0);
  });

  it('the server data dir holds no plaintext value, key name, vault name or file', async () => {
    await expectAbsent(server.dataDir, [
      SECRET_VALUE,
      KEY_NAME,
      VAULT_NAME,
      'after-removal',
      'files/blob.bin',
      FILE_BYTES.subarray(5000, 5064),
      alice.passphrase,
    ]);
  });

  it('profiles hold nothing secret in plaintext, in private files', async () => {
    await expectAbsent(alice.home, [
      SECRET_VALUE,
      KEY_NAME,
      VAULT_NAME,
      alice.passphrase,
      FILE_BYTES.subarray(5000, 5064),
    ]);
    for (const f of await filesUnder(alice.home)) expect((await stat(f)).mode & 0o077, f).toBe(0);
    expect((await stat(alice.home)).mode & 0o777).toBe(0o700);
  });

  it('status, whoami and doctor describe the profile', async () => {
    expect(json(await alice.ok(['--json', 'whoami']))).toMatchObject({
      username: 'alice',
      server: server.url,
    });
    expect(json(await alice.ok(['--json', 'status']))).toMatchObject({
      loggedIn: true,
      pending: 0,
      conflicts: 0,
      session: 'unlocked',
    });
    const doctor = json(await alice.ok(['--json', 'doctor']));
    expect(doctor.healthy).toBe(true);
    expect((doctor.checks as Array<{ name: string }>).map((c) => c.name)).toEqual([
      'reachability',
      'certificate',
      'protocol',
      'clock',
      'replica',
      'outbox',
      'withheld',
      'crypto',
    ]);
  });

  it('lock ends the session: the token no longer opens anything', async () => {
    // A second unlock (another shell, a parallel job) does not end the first session.
    const second = (await bob.ok(['unlock', '--raw'])).stdout.trim();
    await bob.ok(['vault', 'list'], { env: { COFFER_PASSPHRASE: undefined } });
    await bob.ok(['vault', 'list'], {
      env: { COFFER_PASSPHRASE: undefined, COFFER_SESSION: second },
    });
    expect(json(await bob.ok(['--json', 'status']))).toMatchObject({
      session: 'unlocked',
      sessions: 2,
    });
    await bob.ok(['lock']);
    expectFailure(
      await bob.run(['vault', 'list'], {
        env: { COFFER_PASSPHRASE: undefined, COFFER_SESSION: second },
      }),
      3,
      /locked/,
    );
    expect((await bob.ok(['status'])).stdout).toMatch(
      /COFFER_SESSION is set but opens no session here/,
    );
    expectFailure(
      await bob.run(['vault', 'list'], { env: { COFFER_PASSPHRASE: undefined } }),
      3,
      /locked/,
    );
  });
});
