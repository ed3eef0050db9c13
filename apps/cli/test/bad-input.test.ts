/**
 * Bad input through the built binary: each case gets a clear message, the
 * documented exit code, no stack trace, and loses nothing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COFFER_BIN, coffer, expectFailure, json } from './helpers/cli.ts';
import { type Device, newDevice } from './helpers/device.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let dave: Device;

/**
 * Flip one byte, at `offset`, of the envelope of every `records` row that
 * `where` selects (the replica's table and the server's have these columns).
 */
function flipEnvelopeByte(db: Database.Database, where: string, params: unknown[], offset: number) {
  const rows = db
    .prepare(`SELECT vault_id, record_id, envelope FROM records WHERE ${where}`)
    .all(...params) as Array<{ vault_id: unknown; record_id: unknown; envelope: Buffer }>;
  const update = db.prepare('UPDATE records SET envelope = ? WHERE vault_id = ? AND record_id = ?');
  for (const row of rows) {
    const flipped = Buffer.from(row.envelope);
    flipped[offset]! ^= 0x01;
    update.run(flipped, row.vault_id, row.record_id);
  }
  return rows.length;
}

beforeAll(async () => {
  server = await startTestServer();
  dave = await newDevice('dave passphrase for bad input');
  await dave.ok([
    'signup',
    '--server',
    server.url,
    '--username',
    'dave',
    '--pin',
    server.fingerprint,
  ]);
  await dave.ok(['vault', 'create', 'main']);
  await dave.ok(['put', 'main', 'keep-me', 'precious']);
});
afterAll(() => server.stop());

describe('bad input', () => {
  it('an older Node than coffer supports gets one clear line, not a stack trace', async () => {
    // Preloaded: this process says it is Node 20.1.0.
    const pretend = `Object.defineProperty(process,'versions',{value:{...process.versions,node:'20.1.0'}});Object.defineProperty(process,'version',{value:'v20.1.0'});`;
    const preload = `--import=data:text/javascript,${encodeURIComponent(pretend)}`;
    for (const args of [['--version'], ['status']]) {
      const r = await coffer(args, { env: { NODE_OPTIONS: preload } });
      expectFailure(r, 1, /^coffer: needs Node\.js 24 or later, this is v20\.1\.0\n/);
      expect(r.stdout).toBe('');
    }
  });

  it('usage errors exit 2', async () => {
    expectFailure(await coffer([]), 2, /Usage: coffer/);
    expectFailure(await coffer(['frobnicate']), 2, /unknown command: frobnicate/);
    expectFailure(await coffer(['vault', 'share', 'main']), 2, /missing argument USER/);
    expectFailure(await coffer(['get', 'a', 'b', '--nope']), 2, /nope/);
    expectFailure(
      await dave.run(['vault', 'share', 'main', 'x', '--role', 'king']),
      2,
      /--role must be one of/,
    );
    expectFailure(
      await coffer(['login', '--server', 'http://10.1.2.3:8080', '-u', 'xavier'], {
        env: { COFFER_PASSPHRASE: 'x' },
      }),
      2,
      /refusing plain http/,
    );
    expectFailure(
      await coffer(['signup', '--server', 'https://127.0.0.1:1', '-u', 'X'], {
        env: { COFFER_PASSPHRASE: 'x' },
      }),
      2,
      /bad --username: must be 3-64/,
    );
    const help = await coffer(['vault', 'share', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n {2}coffer user show bob/);
  });

  it('a chosen passphrase under 8 characters is refused wherever it comes from, before anything is made', async () => {
    const fresh = await newDevice('short');
    const signup = ['signup', '--server', server.url, '-u', 'shorty', '--pin', server.fingerprint];
    expectFailure(
      await fresh.run(signup),
      2,
      /at least 8 characters \(the one in COFFER_PASSPHRASE is shorter\)/,
    );
    const file = join(fresh.home, 'pass.txt');
    await writeFile(file, 'tiny\n');
    expectFailure(
      await fresh.run(['--passphrase-file', file, ...signup]),
      2,
      /at least 8 characters \(the one in .*pass\.txt is shorter\)/,
    );
    expect(json(await fresh.run(['--json', 'status']))).toMatchObject({ loggedIn: false });
    expectFailure(
      await fresh.run(['encrypt', '-p', file, join(fresh.home, 'x.cfr')], {
        env: { COFFER_FILE_PASSPHRASE: 'abc' },
      }),
      2,
      /at least 8 characters \(the one in COFFER_FILE_PASSPHRASE is shorter\)/,
    );
    await expect(readFile(join(fresh.home, 'x.cfr'))).rejects.toThrow();
    expectFailure(
      await dave.run(['passphrase', 'change'], { env: { COFFER_NEW_PASSPHRASE: 'abc' } }),
      2,
      /at least 8 characters/,
    );
    // Nothing changed: the old passphrase still opens the account.
    expect((await dave.ok(['get', 'main', 'keep-me'])).stdout).toBe('precious');
    // Reading an existing file or account takes any length (they were chosen elsewhere).
    const sealed = join(fresh.home, 'ok.cfr');
    await fresh.ok(['encrypt', '-p', file, sealed], {
      env: { COFFER_FILE_PASSPHRASE: 'long enough now' },
    });
    expectFailure(
      await fresh.run(['decrypt', sealed, '-'], { env: { COFFER_FILE_PASSPHRASE: 'abc' } }),
      8,
      /decryption failed/,
    );
  });

  it('a wrong passphrase exits 3, locally and at login', async () => {
    expectFailure(
      await dave.run(['get', 'main', 'keep-me'], {
        env: { COFFER_PASSPHRASE: 'not the passphrase' },
      }),
      3,
      /wrong passphrase/,
    );
    const other = await newDevice('not the passphrase');
    expectFailure(
      await other.run(['login', '--server', server.url, '-u', 'dave', '--pin', server.fingerprint]),
      3,
      /wrong username or passphrase for dave/,
    );
    // The failed login kept nothing: not even the --pin it was given.
    expect(await readdir(other.home)).not.toContain('servers.json');
    // Not logged in names the profile (a forgotten --home or COFFER_HOME shows at once).
    const status = await coffer(['status'], { env: { COFFER_HOME: other.home } });
    expect({ code: status.code, stdout: status.stdout }).toEqual({
      code: 0,
      stdout: expect.stringMatching(
        /^not logged in \(profile .+\)\nrun `coffer signup` or `coffer login`/,
      ),
    });
    const notIn = await coffer(['get', 'main', 'x'], { env: { COFFER_HOME: other.home } });
    expectFailure(notIn, 3, /not logged in \(profile .+\)\n.*COFFER_HOME/);
    expectFailure(
      await coffer(['whoami'], { env: { COFFER_HOME: other.home } }),
      3,
      /not logged in \(profile/,
    );
    expectFailure(
      await other.run([
        'signup',
        '--server',
        server.url,
        '-u',
        'dave',
        '--pin',
        server.fingerprint,
      ]),
      5,
      /the username dave is taken on this server\n.*coffer login/,
    );
  });

  it('output that cannot be written (stdout on a full disk) exits io (9), not 0 with the output lost', async () => {
    // /dev/full: every write fails with ENOSPC, as a full disk behind `> file` would.
    const toFullDisk = (args: string[]) => {
      const full = openSync('/dev/full', 'w');
      try {
        return spawnSync(process.execPath, [COFFER_BIN, ...args], {
          env: {
            PATH: process.env.PATH,
            COFFER_HOME: dave.home,
            COFFER_PASSPHRASE: dave.passphrase,
          },
          stdio: ['ignore', full, 'pipe'],
          encoding: 'utf8',
        });
      } finally {
        closeSync(full);
      }
    };
    for (const args of [['--version'], ['get', 'main', 'keep-me'], ['--json', 'ls', 'main']]) {
      const r = toFullDisk(args);
      expect({ args, status: r.status }).toEqual({ args, status: 9 });
      expect(r.stderr).toMatch(
        /^coffer: could not write the output to stdout: no space left on the disk\n {2}check where stdout goes/,
      );
      expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
    }
    // A reader that stops early (`| head -c 1`) is not a failure: no stack
    // trace, no "unexpected error", exit 0 (pipefail shows coffer's own status).
    const plain = join(dave.home, 'one-mib.bin');
    await writeFile(plain, new Uint8Array(1 << 20).fill(7));
    await dave.ok(['encrypt', '--passphrase', plain, `${plain}.cfr`]);
    const child = spawn(process.execPath, [COFFER_BIN, 'decrypt', `${plain}.cfr`, '-'], {
      env: { PATH: process.env.PATH, COFFER_HOME: dave.home, COFFER_PASSPHRASE: dave.passphrase },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    // The reader takes the first piece and goes away, as `| head -c 1` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const [status] = (await once(child, 'close')) as [number | null];
    const early = { status, stderr };
    expect({ status: early.status, stderr: early.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('unknown vault, key and user exit 4', async () => {
    expectFailure(await dave.run(['get', 'nope', 'k']), 4, /no vault named nope/);
    expectFailure(await dave.run(['get', 'main', 'missing']), 4, /no key missing in vault main/);
    expectFailure(await dave.run(['user', 'show', 'nobody-here']), 4, /no user named nobody-here/);
    const share = await dave.run(['--json', 'vault', 'share', 'main', 'nobody-here']);
    expectFailure(share, 4, /no user named nobody-here/);
    expect(json(share)).toMatchObject({ ok: false, error: { code: 'user_not_found', exit: 4 } });
  });

  it('a malformed --fingerprint is a usage error before anything is fetched', async () => {
    expectFailure(
      await dave.run(['vault', 'share', 'main', 'nobody-here', '--fingerprint', '5K2Q-1234']),
      2,
      /--fingerprint must be 60 digits/,
    );
  });

  it('a wrong pin and an untrusted certificate exit 6', async () => {
    const fresh = await newDevice('irrelevant passphrase');
    expectFailure(
      await fresh.run(['login', '--server', server.url, '-u', 'dave', '--pin', 'ab'.repeat(32)]),
      6,
      /does not match --pin/,
    );
    expectFailure(
      await fresh.run(['login', '--server', server.url, '-u', 'dave']),
      6,
      /not trusted \(self-signed: DEPTH_ZERO_SELF_SIGNED_CERT\); SHA-256 fingerprint/,
    );
  });

  it('a server that is down exits 6, and local data stays readable', async () => {
    await server.stop();
    try {
      const create = await dave.run(['vault', 'create', 'new-one']);
      expectFailure(create, 6, /cannot reach|unreachable/);
      expect(create.stderr).toMatch(/coffer doctor/);
      expect((await dave.ok(['get', 'main', 'keep-me'])).stdout).toBe('precious');
      // Roles come only from the server: the offline list says so instead of printing "?".
      const list = await dave.ok(['--json', 'vault', 'list']);
      expect(json(list)).toMatchObject({ offline: true, vaults: [{ name: 'main', role: null }] });
      expect(list.stderr).toMatch(/server unreachable: listing the vaults this device has/);
    } finally {
      await server.start();
    }
  });

  it('a server speaking another protocol version exits 7 and says what to upgrade', async () => {
    const tls = join(server.dataDir, 'tls');
    const fake: Server = createServer(
      { cert: await readFile(join(tls, 'cert.pem')), key: await readFile(join(tls, 'key.pem')) },
      (_req, res) => {
        res.writeHead(426, { 'content-type': 'application/problem+json' });
        res.end(
          JSON.stringify({
            type: 'about:blank',
            title: 'Upgrade Required',
            status: 426,
            code: 'version_not_supported',
            detail: 'protocol 1 is not supported; this server speaks 2..3',
          }),
        );
      },
    );
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const port = (fake.address() as { port: number }).port;
    try {
      const fresh = await newDevice('irrelevant passphrase');
      expectFailure(
        await fresh.run([
          'login',
          '--server',
          `https://127.0.0.1:${port}`,
          '-u',
          'dave',
          '--pin',
          server.fingerprint,
        ]),
        7,
        /protocol|upgrade/i,
      );
    } finally {
      fake.close();
    }
  });

  it('a tampered vault name or a replica row edited to text exits 8 naming the replica, not 4 or 1', async () => {
    const login = ['login', '--server', server.url, '-u', 'dave', '--pin', server.fingerprint];
    const named = await newDevice(dave.passphrase);
    await named.ok(login);
    await named.ok(['sync']);
    // A copy of the same device for the second tampering (the server limits logins).
    const edited = await newDevice(dave.passphrase);
    await cp(named.home, edited.home, { recursive: true });
    let db = new Database(join(named.home, 'replica.sqlite'));
    // The vault's first record is its name (`.coffer/vault`), written by `vault create`.
    const oldest = 'seq = (SELECT min(seq) FROM records WHERE envelope IS NOT NULL)';
    expect(flipEnvelopeByte(db, oldest, [], 100)).toBe(1);
    db.close();
    expectFailure(
      await named.run(['get', 'main', 'keep-me']),
      8,
      /no readable vault named main: the name of [0-9a-f]{32} does not open[\s\S]*coffer logout. then .coffer login. rebuilds/,
    );
    const list = await named.ok(['vault', 'list']);
    expect(list.stderr).toMatch(/the name of vault [0-9a-f]{32} does not open/);
    db = new Database(join(edited.home, 'replica.sqlite'));
    const newest = 'seq = (SELECT max(seq) FROM records WHERE envelope IS NOT NULL)';
    expect(
      db.prepare(`UPDATE records SET envelope = CAST(envelope AS TEXT) WHERE ${newest}`).run()
        .changes,
    ).toBe(1);
    db.close();
    expectFailure(
      await edited.run(['get', 'main', 'keep-me']),
      8,
      /replica \(replica\.sqlite\) is damaged/,
    );
  });

  it('a tampered replica exits 8 and nothing on the server is lost', async () => {
    const replica = join(dave.home, 'replica.sqlite');
    const db = new Database(replica);
    // A byte of the first ciphertext chunk (after the 30-byte header, salt and commitment).
    const newest = 'seq = (SELECT max(seq) FROM records WHERE envelope IS NOT NULL)';
    expect(flipEnvelopeByte(db, newest, [], 100)).toBe(1);
    db.close();
    expectFailure(await dave.run(['get', 'main', 'keep-me']), 8, /decryption failed/);
    await writeFile(replica, Buffer.alloc(8192, 0x41));
    expectFailure(await dave.run(['get', 'main', 'keep-me']), 8, /replica .* damaged/);
    const doctor = await dave.run(['--json', 'doctor']);
    expect(doctor.code).toBe(8);
    // A failed check is a failure document that still carries every check.
    expect(json(doctor)).toMatchObject({
      ok: false,
      healthy: false,
      checks: expect.arrayContaining([
        expect.objectContaining({ name: 'replica', status: 'fail' }),
      ]),
      error: { code: 'doctor_failed', exit: 8 },
    });
    // The server still has everything: a fresh login gets it back.
    const again = await newDevice(dave.passphrase);
    await again.ok(['login', '--server', server.url, '-u', 'dave', '--pin', server.fingerprint]);
    expect((await again.ok(['get', 'main', 'keep-me'])).stdout).toBe('precious');
  });

  it('a reader cannot write (exit 3) and nothing is queued', async () => {
    // dave's first device had its replica destroyed above: use a fresh one.
    const owner = await newDevice(dave.passphrase);
    await owner.ok(['login', '--server', server.url, '-u', 'dave', '--pin', server.fingerprint]);
    const erin = await newDevice('erin passphrase is long');
    await erin.ok(['signup', '--server', server.url, '-u', 'erin', '--pin', server.fingerprint]);
    const fp = json(await owner.ok(['--json', 'user', 'show', 'erin'])).fingerprint as string;
    await owner.ok(['vault', 'share', 'main', 'erin', '--role', 'reader', '--fingerprint', fp]);
    expect((await erin.ok(['get', 'main', 'keep-me'])).stdout).toBe('precious');
    expectFailure(await erin.run(['put', 'main', 'keep-me', 'overwritten']), 3, /reader of main/);
    expect(json(await erin.ok(['--json', 'status']))).toMatchObject({ pending: 0 });
  });
  it('records the server altered are refused: sync says so, lists them, and stores nothing of them', async () => {
    const frank = await newDevice('frank passphrase is long');
    await frank.ok(['signup', '--server', server.url, '-u', 'frank', '--pin', server.fingerprint]);
    await frank.ok(['vault', 'create', 'ledger']);
    await frank.ok(['put', 'ledger', 'kept', 'untouched']);
    const db = new Database(join(server.dataDir, 'coffer.sqlite3'));
    const newest2 = (handle: Database.Database) =>
      (handle.prepare('SELECT max(seq) AS s FROM records').get() as { s: number }).s;
    const newest = () => newest2(db);
    const before = newest();
    await frank.ok(['put', 'ledger', 'forged-on-server', 'the real value']);
    // Every change that put made on the server gets one byte flipped.
    expect(flipEnvelopeByte(db, 'seq > ?', [before], 120)).toBeGreaterThan(0);
    db.close();
    const fresh = await newDevice(frank.passphrase);
    await fresh.ok(['login', '--server', server.url, '-u', 'frank', '--pin', server.fingerprint]);
    const synced = await fresh.ok(['--json', 'sync', 'ledger']);
    expect(synced.stderr).toMatch(
      /warning: ledger: .*\(envelope_rejected(, \d+ times)?\); not stored on this device/,
    );
    expect(json(synced).refused).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ vault: 'ledger', code: 'envelope_rejected' }),
      ]),
    );
    expectFailure(await fresh.run(['get', 'ledger', 'forged-on-server']), 4, /no key/);
    expect((await fresh.ok(['get', 'ledger', 'kept'])).stdout).toBe('untouched');
    // The next sync meets no change, and still says what this device lacks.
    const again = await fresh.ok(['--json', 'sync', 'ledger']);
    expect(again.stderr).not.toMatch(/not stored on this device/);
    expect(again.stderr).toMatch(
      /warning: ledger: 1 record withheld: the server's latest version did not verify.*: record [0-9a-f]{32} \(envelope_rejected\)/,
    );
    expect(json(again).refused).toEqual([]);
    expect(json(again).withheld).toEqual([
      expect.objectContaining({ vault: 'ledger', key: null, code: 'envelope_rejected' }),
    ]);
    // A newer version, altered, of a record this device holds: reading it says it may be stale.
    const server2 = new Database(join(server.dataDir, 'coffer.sqlite3'));
    const beforeSecond = newest2(server2);
    await frank.ok(['put', 'ledger', 'kept', 'second']);
    expect(flipEnvelopeByte(server2, 'seq > ?', [beforeSecond], 120)).toBe(1);
    server2.close();
    const third = await fresh.ok(['sync', 'ledger']);
    expect(third.stderr).toMatch(/ledger: 2 records withheld/);
    expect(third.stdout).toMatch(/^synced 1 vault; 0 pending, 0 conflicts, 2 withheld/);
    const stale = await fresh.ok(['get', 'ledger', 'kept']);
    expect(stale.stdout).toBe('untouched');
    expect(stale.stderr).toMatch(
      /ledger\/kept: the server's latest version did not verify \(envelope_rejected\); this is the last verified version/,
    );
    expect(json(await fresh.ok(['--json', 'get', 'ledger', 'kept'])).withheld).toMatchObject({
      code: 'envelope_rejected',
    });
    // Without a passphrase or the server: status and doctor count them.
    expect(json(await fresh.ok(['--json', 'status']))).toMatchObject({ withheld: 2 });
    const checks = json(await fresh.run(['--json', 'doctor'])).checks as Array<{ name: string }>;
    expect(checks.find((c) => c.name === 'withheld')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/^2 record\(s\) in 1 vault\(s\)/),
    });
    // The writer's own device keeps the value it wrote.
    expect((await frank.ok(['get', 'ledger', 'forged-on-server'])).stdout).toBe('the real value');
  });
});
