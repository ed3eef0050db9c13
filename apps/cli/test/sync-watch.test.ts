/** `coffer sync --watch` stays live: a change from another device arrives without another command. */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { COFFER_BIN, json } from './helpers/cli.ts';
import { type Device, newDevice } from './helpers/device.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let one: Device;
let two: Device;

beforeAll(async () => {
  server = await startTestServer();
  one = await newDevice('frank passphrase, two devices');
  two = await newDevice(one.passphrase);
  await one.ok(['signup', '--server', server.url, '-u', 'frank', '--pin', server.fingerprint]);
  await two.ok(['login', '--server', server.url, '-u', 'frank', '--pin', server.fingerprint]);
  await one.unlock();
  await one.ok(['vault', 'create', 'live']);
});
afterAll(() => server.stop());

it('ls of an empty vault prints nothing on stdout and says so on stderr', async () => {
  const r = await one.ok(['ls', 'live']);
  expect({ stdout: r.stdout, stderr: r.stderr }).toEqual({
    stdout: '',
    stderr: 'no keys in live\n',
  });
});

it('applies remote changes live, names each one, and stops cleanly on SIGTERM', async () => {
  const watcher = spawn(process.execPath, [COFFER_BIN, '--json', 'sync', 'live', '--watch'], {
    env: { PATH: process.env.PATH ?? '', COFFER_HOME: two.home, COFFER_PASSPHRASE: two.passphrase },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  watcher.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const started = new Promise<void>((resolve) => {
    watcher.stderr.on('data', () => {
      if (err.includes('watching')) resolve();
    });
  });
  await started;
  const events = () =>
    out
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  // Resolves once a line matching `want` was printed (checked on every chunk of stdout).
  const waiters: Array<() => void> = [];
  const seen = (want: Record<string, unknown>) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (events().some((e) => Object.entries(want).every(([k, v]) => e[k] === v))) resolve();
      };
      waiters.push(check);
      check();
    });
  watcher.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    for (const w of waiters) w();
  });
  // Each change names its vault and key, in the words a script switches on.
  await one.ok(['put', 'live', 'greeting', 'hello from device one']);
  await seen({ event: 'change', vault: 'live', key: 'greeting', change: 'added' });
  await one.ok(['put', 'live', 'greeting', 'hello again']);
  await seen({ event: 'change', key: 'greeting', change: 'updated' });
  await one.ok(['rm', 'live', 'greeting']);
  await seen({ event: 'change', key: 'greeting', change: 'deleted' });
  await one.ok(['put', 'live', 'farewell', 'bye from device one']);
  await seen({ event: 'change', key: 'farewell', change: 'added' });
  const exited = new Promise<number | null>((resolve) => watcher.once('exit', resolve));
  watcher.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(events()).toContainEqual(expect.objectContaining({ event: 'sync', connection: 'online' }));
  // The reserved vault-name record is never reported as a change.
  expect(
    events()
      .filter((e) => e.event === 'change')
      .map((e) => e.key),
  ).not.toContain('.coffer/vault');
  // The change is in device two's replica: readable with the server down.
  await server.stop();
  try {
    expect((await two.ok(['get', 'live', 'farewell'])).stdout).toBe('bye from device one');
  } finally {
    await server.start();
  }
});

it('a watch started while the server is down says so at once, then that it is back', async () => {
  await server.stop();
  const watcher = spawn(process.execPath, [COFFER_BIN, '--json', 'sync', '--watch'], {
    env: { PATH: process.env.PATH ?? '', COFFER_HOME: two.home, COFFER_PASSPHRASE: two.passphrase },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => watcher.once('exit', resolve));
  let out = '';
  const lines = () =>
    out
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const checks: Array<() => void> = [];
  watcher.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    for (const check of checks) check();
  });
  const waitFor = (connection: string) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (lines().some((e) => e.event === 'sync' && e.connection === connection)) resolve();
      };
      checks.push(check);
      check();
    });
  try {
    await waitFor('offline');
    expect(lines()[0]).toMatchObject({ event: 'sync', connection: 'offline' });
  } finally {
    await server.start();
  }
  await waitFor('online');
  watcher.kill('SIGTERM');
  expect(await exited).toBe(0);
});

it('on a device fresh from login, sync names vaults, and a watch prints changes on stdout by name (state on stderr)', async () => {
  const three = await newDevice(one.passphrase);
  await three.ok(['login', '--server', server.url, '-u', 'frank', '--pin', server.fingerprint]);
  await three.unlock();
  // The vault names were not replicated before this first pull: they used to be ids.
  expect(json(await three.ok(['--json', 'sync'])).vaults).toEqual(['live']);
  const fresh = await newDevice(one.passphrase);
  await fresh.ok(['login', '--server', server.url, '-u', 'frank', '--pin', server.fingerprint]);
  const watcher = spawn(process.execPath, [COFFER_BIN, 'sync', '--watch'], {
    env: {
      PATH: process.env.PATH ?? '',
      COFFER_HOME: fresh.home,
      COFFER_PASSPHRASE: fresh.passphrase,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => watcher.once('exit', resolve));
  let out = '';
  let err = '';
  const checks: Array<() => void> = [];
  const waitFor = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (done()) resolve();
      };
      checks.push(check);
      check();
    });
  watcher.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    for (const c of checks) c();
  });
  watcher.stderr.on('data', (b: Buffer) => {
    err += b.toString();
    for (const c of checks) c();
  });
  await waitFor(() => err.includes('watching 1 vault(s)'));
  await one.ok(['put', 'live', 'note', 'seen by a person']);
  await waitFor(() => out.includes('live: note added'));
  watcher.kill('SIGINT');
  expect(await exited).toBe(0);
  // stdout holds the changes alone, one line each; the connection state is a log line.
  expect(out).toMatch(/^(\d{4}-\d\d-\d\dT[\d:.]+Z live: \S+ (added|updated|deleted)\n)+$/);
  expect(err).toMatch(/Z online, \d+ pending, \d+ conflict\(s\)\n/);
  expect(err).not.toMatch(/added|updated|deleted/);
});

it('a watch whose reader went away (`--watch | head -n 1`) ends at its next line, exit 0', async () => {
  const watcher = spawn(process.execPath, [COFFER_BIN, '--json', 'sync', 'live', '--watch'], {
    env: { PATH: process.env.PATH ?? '', COFFER_HOME: two.home, COFFER_PASSPHRASE: two.passphrase },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => watcher.once('exit', resolve));
  let err = '';
  await new Promise<void>((resolve) => {
    watcher.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      if (err.includes('watching')) resolve();
    });
  });
  // The reader closes its end, like `head` after its line.
  watcher.stdout.destroy();
  await one.ok(['put', 'live', 'after-reader-left', 'v']);
  expect(await exited).toBe(0);
  expect(err).not.toMatch(/EPIPE|unexpected error/);
});

it('a watch whose session ends (logged out from another terminal) exits with the auth code', async () => {
  const three = await newDevice(one.passphrase);
  await three.ok(['login', '--server', server.url, '-u', 'frank', '--pin', server.fingerprint]);
  const watcher = spawn(process.execPath, [COFFER_BIN, '--json', 'sync', 'live', '--watch'], {
    env: {
      PATH: process.env.PATH ?? '',
      COFFER_HOME: three.home,
      COFFER_PASSPHRASE: three.passphrase,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => watcher.once('exit', resolve));
  let out = '';
  let err = '';
  watcher.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  await new Promise<void>((resolve) => {
    watcher.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      if (err.includes('watching')) resolve();
    });
  });
  // The server ends the session and closes its streams; the reconnect gets a 401.
  await three.ok(['logout']);
  expect(await exited).toBe(3);
  const failure = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { ok?: boolean; error?: { code?: string } })
    .find((d) => d.ok === false);
  expect(failure?.error?.code).toBe('session_ended');
  // Said once, by the error: not again as a leftover warning naming a vault id.
  expect(err).not.toMatch(/warning: .*unauthorized/);
});
