/** `coffer sync --watch` stays live: a change from another device arrives without another command. */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { COFFER_BIN } from './helpers/cli.ts';
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

it('applies a remote change live and stops cleanly on SIGTERM', async () => {
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
  let putDone = Number.POSITIVE_INFINITY;
  let check = () => {};
  // Resolves on the first event of a pull that completed after the put: the change has arrived.
  const arrived = new Promise<void>((resolve) => {
    check = () => {
      const lines = out
        .trim()
        .split('\n')
        .filter((l) => l !== '');
      if (
        lines.some((l) => (JSON.parse(l) as { lastSyncAt: number | null }).lastSyncAt! >= putDone)
      )
        resolve();
    };
  });
  watcher.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    check();
  });
  const before = Date.now();
  await one.ok(['put', 'live', 'greeting', 'hello from device one']);
  putDone = before;
  check();
  await arrived;
  const exited = new Promise<number | null>((resolve) => watcher.once('exit', resolve));
  watcher.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(JSON.parse(out.trim().split('\n')[0]!)).toMatchObject({
    event: 'sync',
    connection: 'online',
  });
  // The change is in device two's replica: readable with the server down.
  await server.stop();
  try {
    expect((await two.ok(['get', 'live', 'greeting'])).stdout).toBe('hello from device one');
  } finally {
    await server.start();
  }
});
