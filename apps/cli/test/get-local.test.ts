/**
 * `get` on a warm replica answers from the replica alone (no request): it
 * works with the server down, and falls back to the server for what the
 * replica does not hold.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { COMMANDS } from '../src/commands/table.ts';
import { expectFailure, json } from './helpers/cli.ts';
import { type Device, newDevice } from './helpers/device.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let laptop: Device;
let desktop: Device;
const PASS = 'dana passphrase for the replica tests';

beforeAll(async () => {
  server = await startTestServer();
  laptop = await newDevice(PASS);
  desktop = await newDevice(PASS);
  const trust = ['--server', server.url, '--username', 'dana', '--pin', server.fingerprint];
  await laptop.ok(['signup', ...trust]);
  await desktop.ok(['login', ...trust]);
  await laptop.unlock();
  await desktop.unlock();
  await laptop.ok(['vault', 'create', 'ops']);
  await laptop.ok(['put', 'ops', 'db/password', 'hunter2']);
});
afterAll(() => server.stop());

describe('get from the local replica', () => {
  it('a key put on another device is fetched from the server (the replica does not have it)', async () => {
    // The desktop has never seen the vault: name, keys and record all come from the server.
    expect((await desktop.ok(['get', 'ops', 'db/password'])).stdout).toBe('hunter2');
    await laptop.ok(['put', 'ops', 'api/token', 'tok-1']);
    expect((await desktop.ok(['get', 'ops', 'api/token'])).stdout).toBe('tok-1');
  });

  it('answers with the server down, without the "unreachable" fallback warning', async () => {
    await server.stop();
    try {
      const r = await laptop.ok(['get', 'ops', 'db/password']);
      expect(r.stdout).toBe('hunter2');
      expect(r.stderr).toBe('');
      expect(json(await laptop.ok(['--json', 'get', 'ops', 'db/password']))).toMatchObject({
        ok: true,
        vault: 'ops',
        key: 'db/password',
        value: 'hunter2',
      });
      // A put while offline is read back from the replica too.
      await laptop.ok(['put', 'ops', 'offline/new', 'queued']);
      expect((await laptop.ok(['get', 'ops', 'offline/new'])).stdout).toBe('queued');
      // --sync asks the server first; it is down, so the replica answers, and says so.
      const synced = await laptop.ok(['get', '--sync', 'ops', 'db/password']);
      expect(synced.stdout).toBe('hunter2');
      expect(synced.stderr).toMatch(/server unreachable: answering from the local replica/);
      // What the replica cannot answer may be on the server: unreachable (6), not
      // "not found" (4), which would tell a script the key or vault does not exist.
      expectFailure(
        await laptop.run(['get', 'ops', 'no/such/key']),
        6,
        /cannot reach the server to look up no\/such\/key in ops/,
      );
      expectFailure(
        await laptop.run(['get', 'nope', 'db/password']),
        6,
        /cannot reach the server to look up vault nope/,
      );
    } finally {
      await server.start();
    }
  });

  it('still needs the account: a wrong session fails with the auth exit code', async () => {
    const r = await laptop.run(['get', 'ops', 'db/password'], {
      env: { COFFER_SESSION: 'cfs1.AAAA' },
    });
    expectFailure(r, 3, /COFFER_SESSION/);
  });

  it('put --file reads a named pipe (as `--file <(cmd)` gives it) and /dev/stdin', async () => {
    const fifo = join(laptop.home, 'value.fifo');
    execFileSync('mkfifo', [fifo]);
    // The writer blocks until coffer opens the pipe for reading.
    const writer = writeFile(fifo, 'piped value');
    await laptop.ok(['put', 'ops', 'from-pipe', '--file', fifo]);
    await writer;
    expect((await laptop.ok(['get', 'ops', 'from-pipe'])).stdout).toBe('piped value');
    await laptop.ok(['put', 'ops', 'from-stdin', '--file', '/dev/stdin'], { input: 'stdin value' });
    expect((await laptop.ok(['get', 'ops', 'from-stdin'])).stdout).toBe('stdin value');
  });

  it('refuses to print binary data on a terminal, and pipes it byte for byte', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 27, 91, 50, 74]);
    await laptop.ok(['put', 'ops', 'bin/raw', '--file', '/dev/stdin'], { input: bytes });
    expect((await laptop.ok(['get', 'ops', 'bin/raw'])).stdoutBytes).toEqual(bytes);
    // In process, so stdout can be a terminal (the spawned binary only ever gets pipes).
    const chunks: Buffer[] = [];
    const stdout = Object.assign(
      new Writable({
        write(chunk: Buffer, _enc, done) {
          chunks.push(chunk);
          done();
        },
      }),
      { isTTY: true },
    );
    let stderr = '';
    const errStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        stderr += chunk.toString();
        done();
      },
    });
    const code = await main(
      ['get', 'ops', 'bin/raw'],
      COMMANDS,
      { stdout, stderr: errStream },
      {
        COFFER_HOME: laptop.home,
        COFFER_PASSPHRASE: laptop.passphrase,
      },
    );
    expect({ code, stderr, written: Buffer.concat(chunks).length }).toEqual({
      code: 2,
      stderr: expect.stringMatching(/bin\/raw holds binary data \(9 bytes\).*\n.*--out FILE/),
      written: 0,
    });
  });
});
