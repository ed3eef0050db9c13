/**
 * coffer as a CI pipeline uses it: examples/ci-pipeline.sh (bash, set -euo
 * pipefail) against a real server, and the exit codes such a job switches on
 * when something is wrong: a server down (also for a profile that never
 * synced), a wrong passphrase, an unknown vault, a conflict.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tooling/test-temp.ts';
import { COFFER_BIN, expectFailure, json } from './helpers/cli.ts';
import { type Device, newDevice } from './helpers/device.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const SCRIPT = fileURLToPath(new URL('../examples/ci-pipeline.sh', import.meta.url));
const PASS = 'the ci bot passphrase, from a secret';
const DB_PASSWORD = 'db-pass-4b1d9e';
const API_TOKEN = 'tok-77c2a0f3e9';

let server: TestServer;
let admin: Device;
let passFile: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await newDevice(PASS);
  await admin.ok(['signup', '--server', server.url, '-u', 'ci-bot', '--pin', server.fingerprint]);
  await admin.unlock();
  await admin.ok(['vault', 'create', 'ops']);
  await admin.ok(['put', 'ops', 'db/password', DB_PASSWORD]);
  await admin.ok(['put', 'ops', 'api/token', API_TOKEN]);
  const dir = await tempDir('coffer-ci-');
  passFile = join(dir, 'passphrase');
  await writeFile(passFile, `${PASS}\n`);
});
afterAll(() => server.stop());

/** Run the pipeline script as a CI runner would: no terminal, no stdin. */
function pipeline(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn('bash', [SCRIPT], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      COFFER_BIN,
      COFFER_URL: server.url,
      COFFER_PIN: server.fingerprint,
      COFFER_PASSPHRASE_FILE: passFile,
      BUILD_ID: 'b42',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    out += b.toString();
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out })));
}

describe('the CI pipeline script', () => {
  it('logs in, loads the secrets, stores the artifact, and prints no secret', async () => {
    const r = await pipeline({});
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/ci: secrets loaded \(14 and 14 characters\)/);
    expect(r.out).toMatch(/ci: build b42 stored in ops \(\d+ bytes\)/);
    for (const secret of [DB_PASSWORD, API_TOKEN, PASS]) expect(r.out).not.toContain(secret);
    expect(r.out).not.toMatch(/\n\s+at .+:\d+:\d+/);
    await admin.ok(['sync']);
    expect((await admin.ok(['get', 'ops', 'build/latest'])).stdout).toBe('b42');
  });

  it('ends with coffer’s exit code and says why: wrong passphrase 3, unknown vault 4, server down 6', async () => {
    const wrong = join(await tempDir('coffer-ci-'), 'wrong');
    await writeFile(wrong, 'not the passphrase at all\n');
    const cases: Array<[Record<string, string>, number, RegExp]> = [
      // Another username: the server limits logins per username (3 in a row here).
      [
        { COFFER_PASSPHRASE_FILE: wrong, COFFER_USER: 'ci-other' },
        3,
        /login failed: invalid_credentials/,
      ],
      [{ COFFER_VAULT: 'nosuch' }, 4, /db failed: vault_not_found: no vault named nosuch/],
      [{ COFFER_URL: 'https://127.0.0.1:1' }, 6, /login failed: network: cannot reach/],
    ];
    for (const [env, code, message] of cases) {
      const r = await pipeline(env);
      expect({ code: r.code, out: r.out }).toMatchObject({
        code,
        out: expect.stringMatching(message),
      });
      expect(r.out).not.toContain(PASS);
    }
  });
});

describe('a CI profile when the server goes down', () => {
  let job: Device;

  beforeAll(async () => {
    // An account of its own: the pipeline runs above used ci-bot's logins up.
    const setup = await newDevice(PASS);
    await setup.ok(['signup', '--server', server.url, '-u', 'ci-job', '--pin', server.fingerprint]);
    await setup.unlock();
    await setup.ok(['vault', 'create', 'ops']);
    await setup.ok(['put', 'ops', 'db/password', DB_PASSWORD]);
    // Logged in and unlocked, but never synced: a CI job's fresh profile.
    job = await newDevice(PASS);
    await job.ok(['login', '--server', server.url, '-u', 'ci-job', '--pin', server.fingerprint]);
    await job.unlock();
  });

  it('get, put and sync exit 6 (network), not 4 (no such vault) or 0', async () => {
    await server.stop();
    try {
      expectFailure(await job.run(['get', 'ops', 'db/password']), 6, /cannot reach the server/);
      expectFailure(await job.run(['put', 'ops', 'k', 'v']), 6, /cannot reach the server/);
      const sync = await job.run(['--json', 'sync']);
      expect(sync.code).toBe(6);
      expect(json(sync)).toMatchObject({ ok: false, error: { code: 'network', exit: 6 } });
      // Nothing queued: the put was refused before anything was written.
      expect(json(await job.ok(['--json', 'status']))).toMatchObject({ pending: 0 });
    } finally {
      await server.start();
    }
    expect((await job.ok(['get', 'ops', 'db/password'])).stdout).toBe(DB_PASSWORD);
  });

  it('a key this device does not hold is "unreachable" (6) offline, "not found" (4) online', async () => {
    await server.stop();
    try {
      const r = await job.run(['get', 'ops', 'api/new-key']);
      expectFailure(r, 6, /cannot reach the server to look up api\/new-key in ops/);
      expectFailure(await job.run(['get', 'nosuch', 'k']), 6, /cannot reach the server/);
      // --sync asked for the newest: answering from the replica is said.
      const stale = await job.ok(['get', '--sync', 'ops', 'db/password']);
      expect(stale.stderr).toMatch(/server unreachable: answering from the local replica/);
    } finally {
      await server.start();
    }
    expectFailure(
      await job.run(['get', 'ops', 'api/new-key']),
      4,
      /no key api\/new-key in vault ops/,
    );
    expectFailure(await job.run(['get', 'nosuch', 'k']), 4, /no vault named nosuch/);
  });

  it('a conflict is exit 5 with a JSON error document', async () => {
    const r = await job.run(['--json', 'vault', 'create', 'ops']);
    expect(r.code).toBe(5);
    expect(json(r)).toMatchObject({ ok: false, error: { code: 'already_exists', exit: 5 } });
  });
});

describe('put --no-sync (a job batching its writes)', () => {
  it('writes only the replica and outbox; the next sync pushes them', async () => {
    for (const key of ['batch/one', 'batch/two']) {
      const r = await admin.ok(['--json', 'put', '--no-sync', 'ops', key, `value of ${key}`]);
      expect(json(r)).toMatchObject({ ok: true, key, pushed: false });
    }
    // It said "not pushed" and pushed anyway (the client's close waited for the push).
    expect(json(await admin.ok(['--json', 'status']))).toMatchObject({ pending: 2 });
    expect((await admin.ok(['get', 'ops', 'batch/two'])).stdout).toBe('value of batch/two');
    expect(json(await admin.ok(['--json', 'sync']))).toMatchObject({ pending: 0, conflicts: 0 });
    expect(json(await admin.ok(['--json', 'status']))).toMatchObject({ pending: 0 });
  });

  it('a vault this device never fetched is named, not guessed at', async () => {
    const fresh = await newDevice(PASS);
    await fresh.ok(['login', '--server', server.url, '-u', 'ci-bot', '--pin', server.fingerprint]);
    expectFailure(
      await fresh.run(['put', '--no-sync', 'ops', 'k', 'v']),
      4,
      /no vault named ops on this device: --no-sync writes only to the local replica\n.*coffer sync/,
    );
  });
});
