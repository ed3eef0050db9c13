import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import { createSelfSignedCertificate } from '../../src/tls/self-signed.ts';
import { MAX_SEMI_SPACE_MB } from '../../src/young-generation.ts';
import {
  createUser,
  createVault,
  login,
  newHexId,
  newRecordPush,
  recordEnvelope,
} from '../support/accounts.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';
import { BINARY, buildBinary, spawnServer } from '../support/spawn-server.ts';
import { openEvents, seqAtLeast } from '../support/sse.ts';

const tempDir = (): string => tempDirSync('coffer-bin-');

beforeAll(() => {
  buildBinary();
});

describe('the coffer-server binary', () => {
  it('on an older Node than it supports, says so in one line (it would crash in the SQLite binding)', () => {
    // Preloaded: the process says it is Node 20.1.0.
    const pretend = `Object.defineProperty(process,'versions',{value:{...process.versions,node:'20.1.0'}});Object.defineProperty(process,'version',{value:'v20.1.0'});`;
    const run = spawnSync(process.execPath, [BINARY, '--data-dir', tempDir()], {
      env: {
        ...process.env,
        NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(pretend)}`,
      },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('coffer-server: needs Node.js 24 or later, this is v20.1.0\n');
  });

  it('explains every bad option on its own line, without a stack trace or the value', () => {
    const run = spawnSync(process.execPath, [BINARY, '--port', '99999', '--log-level', 'loud'], {
      env: {
        ...process.env,
        COFFER_DATABASE_URL: 'mysql://user:hunter2@db/x',
        COFFER_DATA_DIR: '',
      },
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--data-dir (COFFER_DATA_DIR): is required');
    expect(run.stderr).toContain('--port (COFFER_PORT): must be 0-65535');
    expect(run.stderr).toContain('--log-level (COFFER_LOG_LEVEL): must be one of');
    expect(run.stderr).toContain('--database-url (COFFER_DATABASE_URL): must be a postgres://');
    expect(run.stderr).not.toContain('hunter2');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const unknown = spawnSync(process.execPath, [BINARY, '--dta-dir', 'x'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("'--dta-dir'");
  });

  it('creates a self-signed certificate once, prints and stores its fingerprint, keeps the key private', async () => {
    const dataDir = tempDir();
    const first = await spawnServer(['--data-dir', dataDir]);
    const fingerprint = readFileSync(join(dataDir, 'tls', 'fingerprint-sha256.txt'), 'utf8').trim();
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(first.stderr()).toContain(fingerprint);
    expect(first.stderr()).toContain(first.url);
    expect(statSync(join(dataDir, 'tls', 'key.pem')).mode & 0o077).toBe(0);
    expect((await first.api().get('/v1/meta')).status).toBe(200);
    expect(await first.stop()).toBe(0);
    const second = await spawnServer(['--data-dir', dataDir]);
    expect(second.stderr()).toContain(fingerprint);
    // A client pinning another certificate refuses the connection.
    const { Agent } = await import('undici');
    const { createSelfSignedCertificate } = await import('../../src/tls/self-signed.ts');
    const other = new Agent({
      connect: { ca: createSelfSignedCertificate(['127.0.0.1']).certPem },
    });
    await expect(request(`${second.url}/healthz`, { dispatcher: other })).rejects.toThrow();
    await other.close();
    await second.stop();
  });

  it('runs with its own young-generation size, as the same process, unless the operator chose one', async () => {
    const cmdline = (pid: number) =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const tuned = await spawnServer(['--data-dir', tempDir(), '--insecure-http']);
    const args = cmdline(tuned.child.pid ?? 0);
    expect(args).toContain(`--max-semi-space-size=${MAX_SEMI_SPACE_MB}`);
    expect(args).toContain(BINARY);
    expect(args.slice(-1)).toEqual(['--insecure-http']);
    expect((await tuned.api().get('/healthz')).status).toBe(200);
    expect(await tuned.stop()).toBe(0);
    const chosen = await spawnServer(['--data-dir', tempDir(), '--insecure-http'], {
      NODE_OPTIONS: '--max-semi-space-size=8',
    });
    expect(cmdline(chosen.child.pid ?? 0).join(' ')).not.toContain('--max-semi-space-size');
    expect((await chosen.api().get('/healthz')).status).toBe(200);
    await chosen.stop();
  });

  it('refuses a second server on the same SQLite data directory in one line; a killed server leaves no stale lock', async () => {
    const dataDir = tempDir();
    const first = await spawnServer(['--data-dir', dataDir]);
    // Two processes on one SQLite file would not see each other's live events.
    const second = spawnSync(process.execPath, [BINARY, '--data-dir', dataDir, '--port', '0'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(
      `coffer-server: cannot start: another coffer-server is already using the data directory ${dataDir}`,
    );
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect((await first.api().get('/readyz')).status).toBe(200);
    first.child.kill('SIGKILL');
    await first.exited;
    const again = await spawnServer(['--data-dir', dataDir]);
    expect((await again.api().get('/readyz')).status).toBe(200);
    expect(await again.stop()).toBe(0);
  });

  it('names the file and the problem when a certificate, key, data directory or database is wrong', () => {
    const dir = tempDir();
    const mine = createSelfSignedCertificate(['localhost'], {});
    const other = createSelfSignedCertificate(['localhost'], {});
    const file = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const cert = file('cert.pem', mine.certPem);
    const key = file('key.pem', mine.keyPem);
    const otherKey = file('other-key.pem', other.keyPem);
    const junk = file('junk.pem', 'not a certificate\n');
    const start = (args: string[]): string => {
      const run = spawnSync(process.execPath, [BINARY, '--port', '0', ...args], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      return run.stderr;
    };
    const dataDir = (): string => tempDir();
    expect(start(['--data-dir', dataDir(), '--tls-cert', junk, '--tls-key', key])).toBe(
      `coffer-server: cannot start: --tls-cert ${junk}: not a PEM certificate\n`,
    );
    expect(start(['--data-dir', dataDir(), '--tls-cert', cert, '--tls-key', junk])).toContain(
      `--tls-key ${junk}: not a PEM private key`,
    );
    expect(start(['--data-dir', dataDir(), '--tls-cert', cert, '--tls-key', otherKey])).toContain(
      `--tls-key ${otherKey} is not the private key of --tls-cert ${cert}`,
    );
    expect(start(['--data-dir', dataDir(), '--tls-cert', dir, '--tls-key', key])).toContain(
      `--tls-cert ${dir}: is a directory, not a file`,
    );
    expect(start(['--data-dir', cert])).toContain(
      `data directory ${cert}: exists and is not a directory`,
    );
    const notADatabase = dataDir();
    writeFileSync(join(notADatabase, 'coffer.sqlite3'), 'not a database, just text\n'.repeat(200));
    expect(start(['--data-dir', notADatabase])).toContain(
      `database ${join(notADatabase, 'coffer.sqlite3')}: file is not a database`,
    );
    // A damaged self-signed certificate is not replaced silently: clients pinned it.
    const damaged = dataDir();
    mkdirSync(join(damaged, 'tls'));
    writeFileSync(join(damaged, 'tls', 'cert.pem'), 'garbage\n');
    writeFileSync(join(damaged, 'tls', 'key.pem'), mine.keyPem);
    expect(start(['--data-dir', damaged])).toContain(
      `TLS certificate ${join(damaged, 'tls', 'cert.pem')}: not a PEM certificate (delete ${join(damaged, 'tls')} to make a new self-signed certificate`,
    );
  });

  it('plain HTTP only with --insecure-http', async () => {
    const server = await spawnServer(['--data-dir', tempDir(), '--insecure-http']);
    expect(server.url).toMatch(/^http:\/\//);
    expect(server.stderr()).toContain('WARNING: plain HTTP');
    expect((await server.api().get('/healthz')).status).toBe(200);
    await server.stop();
  });

  it('SIGHUP (a closed terminal) drains and exits 0, as SIGTERM does', async () => {
    const server = await spawnServer(['--data-dir', tempDir()]);
    expect((await server.api().get('/healthz')).status).toBe(200);
    server.child.kill('SIGHUP');
    await server.waitForLog((l) => l.msg === 'draining' && l.signal === 'SIGHUP');
    expect(await server.exited).toBe(0);
  });

  it('SIGTERM drains an in-flight push: it is answered and durable', async () => {
    const dataDir = tempDir();
    // debug: the 'incoming request' line tells the test the push has started.
    const server = await spawnServer(['--data-dir', dataDir, '--log-level', 'debug']);
    const alice = await createUser(server.api());
    const vaultId = await createVault(alice);
    const recordId = newHexId();
    const body = JSON.stringify(await newRecordPush(vaultId, recordId));
    // An open live stream must not hold the shutdown up.
    const events = await openEvents(alice.api, `/v1/vaults/${vaultId}/events`);
    await events.waitFor(seqAtLeast(0));
    const stream = new PassThrough();
    const pending = request(`${server.url}/v1/vaults/${vaultId}/push`, {
      method: 'POST',
      dispatcher: server.dispatcher,
      headers: {
        'coffer-protocol': '1',
        'coffer-client': 'tests/0',
        authorization: `Bearer ${alice.token}`,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      },
      body: stream,
    });
    stream.write(body.slice(0, 100));
    await server.waitForLog(
      (l) => l.msg === 'incoming request' && String(l.req?.url).endsWith('/push'),
    );
    server.child.kill('SIGTERM');
    await server.waitForLog((l) => l.msg === 'draining');
    stream.end(body.slice(100));
    const res = await pending;
    expect(res.statusCode).toBe(200);
    const answer = (await res.body.json()) as { results: Array<{ status: string }> };
    expect(answer.results[0]?.status).toBe('applied');
    await events.ended;
    expect(await server.exited).toBe(0);

    const again = await spawnServer(['--data-dir', dataDir]);
    const session = await login(again.api(), alice.username, alice.loginSeed);
    const pull = await again.api(session.body.token).get(`/v1/vaults/${vaultId}/changes`);
    expect(pull.body.changes).toEqual([expect.objectContaining({ recordId, seq: 1 })]);
    await again.stop();
  });
});

describe('two instances on one PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('a push to one is pulled from, and notified by, the other', async () => {
    const secret = randomBytes(32).toString('hex');
    const env = { COFFER_DATABASE_URL: db.url, COFFER_SERVER_SECRET: secret };
    const a = await spawnServer(['--data-dir', tempDir()], env);
    const b = await spawnServer(['--data-dir', tempDir()], env);
    try {
      const ghost = `ghost-${randomBytes(4).toString('hex')}`;
      const fakeA = await a.api().post('/v1/auth/prelogin', { username: ghost });
      const fakeB = await b.api().post('/v1/auth/prelogin', { username: ghost });
      expect(fakeA.body).toEqual(fakeB.body);

      const alice = await createUser(a.api(), 'alice');
      const onB = await login(b.api(), alice.username, alice.loginSeed);
      const aliceB = b.api(onB.body.token);
      const vaultId = await createVault(alice);
      const events = await openEvents(aliceB, `/v1/vaults/${vaultId}/events`);
      await events.waitFor(seqAtLeast(0));

      const recordId = newHexId();
      const envelope = await recordEnvelope(vaultId, recordId);
      const push = await alice.api.post(`/v1/vaults/${vaultId}/push`, {
        mutations: [
          { op: 'put', mutationId: newHexId(), recordId, baseRevision: null, epoch: 1, envelope },
        ],
      });
      expect(push.body.results[0].status).toBe('applied');
      await events.waitFor(seqAtLeast(1));
      const pull = await aliceB.get(`/v1/vaults/${vaultId}/changes`);
      expect(pull.body.changes).toEqual([expect.objectContaining({ recordId, envelope, seq: 1 })]);
      events.close();
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
