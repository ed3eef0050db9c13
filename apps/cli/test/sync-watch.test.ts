/** `coffer sync --watch` stays live: a change from another device arrives without another command. */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
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

/** A running `coffer … --watch` of `device`, its output so far, and waits on it. */
interface Watch {
  child: ChildProcessByStdio<null, Readable, Readable>;
  exited: Promise<number | null>;
  out(): string;
  err(): string;
  /** stdout as JSON lines (with --json). */
  lines(): Array<Record<string, unknown>>;
  /** Resolves once `done()` holds, checked again on every chunk of stdout or stderr. */
  until(done: () => boolean): Promise<void>;
}

function startWatch(device: Device, args: readonly string[]): Watch {
  const child = spawn(process.execPath, [COFFER_BIN, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      COFFER_HOME: device.home,
      COFFER_PASSPHRASE: device.passphrase,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let out = '';
  let err = '';
  const checks: Array<() => void> = [];
  const recheck = () => {
    for (const check of checks) check();
  };
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    recheck();
  });
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
    recheck();
  });
  return {
    child,
    exited,
    out: () => out,
    err: () => err,
    lines: () =>
      out
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    until: (done) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (done()) resolve();
        };
        checks.push(check);
        check();
      }),
  };
}

it('ls of an empty vault prints nothing on stdout and says so on stderr', async () => {
  const r = await one.ok(['ls', 'live']);
  expect({ stdout: r.stdout, stderr: r.stderr }).toEqual({
    stdout: '',
    stderr: 'no keys in live\n',
  });
});

it('applies remote changes live, names each one, and stops cleanly on SIGTERM', async () => {
  const watch = startWatch(two, ['--json', 'sync', 'live', '--watch']);
  await watch.until(() => watch.err().includes('watching'));
  const events = watch.lines;
  // Resolves once a line matching `want` was printed.
  const seen = (want: Record<string, unknown>) =>
    watch.until(() => events().some((e) => Object.entries(want).every(([k, v]) => e[k] === v)));
  // Each change names its vault and key, in the words a script switches on.
  await one.ok(['put', 'live', 'greeting', 'hello from device one']);
  await seen({ event: 'change', vault: 'live', key: 'greeting', change: 'added' });
  await one.ok(['put', 'live', 'greeting', 'hello again']);
  await seen({ event: 'change', key: 'greeting', change: 'updated' });
  await one.ok(['rm', 'live', 'greeting']);
  await seen({ event: 'change', key: 'greeting', change: 'deleted' });
  await one.ok(['put', 'live', 'farewell', 'bye from device one']);
  await seen({ event: 'change', key: 'farewell', change: 'added' });
  watch.child.kill('SIGTERM');
  expect(await watch.exited).toBe(0);
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
  const watch = startWatch(two, ['--json', 'sync', '--watch']);
  const waitFor = (connection: string) =>
    watch.until(() => watch.lines().some((e) => e.event === 'sync' && e.connection === connection));
  try {
    await waitFor('offline');
    expect(watch.lines()[0]).toMatchObject({ event: 'sync', connection: 'offline' });
  } finally {
    await server.start();
  }
  await waitFor('online');
  watch.child.kill('SIGTERM');
  expect(await watch.exited).toBe(0);
});

it('on a device fresh from login, sync names vaults, and a watch prints changes on stdout by name (state on stderr)', async () => {
  const three = await newDevice(one.passphrase);
  await three.ok(['login', '--server', server.url, '-u', 'frank', '--pin', server.fingerprint]);
  await three.unlock();
  // The vault names were not replicated before this first pull: they used to be ids.
  expect(json(await three.ok(['--json', 'sync'])).vaults).toEqual(['live']);
  const fresh = await newDevice(one.passphrase);
  await fresh.ok(['login', '--server', server.url, '-u', 'frank', '--pin', server.fingerprint]);
  const watch = startWatch(fresh, ['sync', '--watch']);
  await watch.until(() => watch.err().includes('watching 1 vault(s)'));
  await one.ok(['put', 'live', 'note', 'seen by a person']);
  await watch.until(() => watch.out().includes('live: note added'));
  watch.child.kill('SIGINT');
  expect(await watch.exited).toBe(0);
  // stdout holds the changes alone, one line each; the connection state is a log line.
  expect(watch.out()).toMatch(/^(\d{4}-\d\d-\d\dT[\d:.]+Z live: \S+ (added|updated|deleted)\n)+$/);
  expect(watch.err()).toMatch(/Z online, \d+ pending, \d+ conflict\(s\)\n/);
  expect(watch.err()).not.toMatch(/added|updated|deleted/);
});

it('a watch whose reader went away (`--watch | head -n 1`) ends at its next line, exit 0', async () => {
  const watch = startWatch(two, ['--json', 'sync', 'live', '--watch']);
  await watch.until(() => watch.err().includes('watching'));
  // The reader closes its end, like `head` after its line.
  watch.child.stdout.destroy();
  await one.ok(['put', 'live', 'after-reader-left', 'v']);
  expect(await watch.exited).toBe(0);
  expect(watch.err()).not.toMatch(/EPIPE|unexpected error/);
});

it('a watch whose session ends (logged out from another terminal) exits with the auth code', async () => {
  const three = await newDevice(one.passphrase);
  await three.ok(['login', '--server', server.url, '-u', 'frank', '--pin', server.fingerprint]);
  const watch = startWatch(three, ['--json', 'sync', 'live', '--watch']);
  await watch.until(() => watch.err().includes('watching'));
  // The server ends the session and closes its streams; the reconnect gets a 401.
  await three.ok(['logout']);
  expect(await watch.exited).toBe(3);
  const failure = watch.lines().find((d) => d.ok === false) as
    | { error?: { code?: string } }
    | undefined;
  expect(failure?.error?.code).toBe('session_ended');
  // Said once, by the error: not again as a leftover warning naming a vault id.
  expect(watch.err()).not.toMatch(/warning: .*unauthorized/);
});
