/**
 * Parallel `coffer` processes on ONE profile (the jobs of a CI pipeline)
 * behave like sequential ones: the last write wins, no conflict copy, nothing
 * stays queued, and a killed process never leaves the profile locked.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { COFFER_BIN, json } from './helpers/cli.ts';
import { type Device, newDevice } from './helpers/device.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let ci: Device;
let other: Device;

beforeAll(async () => {
  server = await startTestServer();
  ci = await newDevice('ci bot passphrase, parallel jobs');
  other = await newDevice(ci.passphrase);
  await ci.ok(['signup', '--server', server.url, '-u', 'ci-bot', '--pin', server.fingerprint]);
  await other.ok(['login', '--server', server.url, '-u', 'ci-bot', '--pin', server.fingerprint]);
  await ci.unlock();
  await other.unlock();
  await ci.ok(['vault', 'create', 'build']);
  await ci.ok(['put', 'build', 'version', 'v0']);
});
afterAll(() => server.stop());

/** Spawn `coffer …args` on the CI profile; resolves its exit code and stderr. */
function start(args: readonly string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
  stderr: () => string;
} {
  const child = spawn(process.execPath, [COFFER_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', COFFER_HOME: ci.home, COFFER_PASSPHRASE: ci.passphrase },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stderr })),
  );
  return { child, done, stderr: () => stderr };
}

it('8 parallel puts of one key on one profile: last write wins, no conflict copy', async () => {
  const session = (await ci.ok(['unlock', '--raw'])).stdout.trim();
  // Two rounds: without the profile lock, about one round in three left conflict copies.
  const values = ['a', 'b'].flatMap((round) =>
    Array.from({ length: 8 }, (_, i) => `${round}${i + 1}`),
  );
  for (const round of [values.slice(0, 8), values.slice(8)]) {
    const runs = round.map((v) =>
      ci.run(['put', 'build', 'version', v], { env: { COFFER_SESSION: session } }),
    );
    for (const r of await Promise.all(runs)) expect(r.code, r.stderr).toBe(0);
  }
  expect(json(await ci.ok(['--json', 'conflicts']))).toEqual({ ok: true, conflicts: [] });
  expect(json(await ci.ok(['--json', 'status']))).toMatchObject({ pending: 0, conflicts: 0 });
  const history = json(await ci.ok(['--json', 'history', 'build', 'version']));
  expect(history.versions).toHaveLength(1);
  // One of the eight won on this device and on the server: another device agrees.
  const value = (await ci.ok(['get', 'build', 'version'])).stdout;
  expect(values.slice(8)).toContain(value);
  expect((await other.ok(['get', '--sync', 'build', 'version'])).stdout).toBe(value);
  expect(json(await other.ok(['--json', 'conflicts']))).toEqual({ ok: true, conflicts: [] });
});

it('a command waits while another process holds the profile, and a killed holder frees it', async () => {
  // A stand-in for a `coffer` process killed mid-command: it takes the
  // profile's lock with the CLI's own code and never lets go by itself.
  const lockModule = fileURLToPath(new URL('../src/profile/profile-lock.ts', import.meta.url));
  const holder = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { lockProfile } = await import(${JSON.stringify(lockModule)});
       await lockProfile(${JSON.stringify(ci.home)});
       process.stdout.write('held\\n');
       setInterval(() => {}, 1 << 30);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
    await waitThenProceed(holder);
  } finally {
    holder.kill('SIGKILL');
  }
});

async function waitThenProceed(holder: ChildProcess): Promise<void> {
  const put = start(['put', 'build', 'version', 'after the crash']);
  // It says why it waits instead of finishing (or failing) while the lock is held.
  const waited = await new Promise<boolean>((resolve) => {
    put.child.stderr?.on('data', () => {
      if (put.stderr().includes('waiting for another coffer command')) resolve(true);
    });
    void put.done.then(() => resolve(false));
  });
  expect(waited, put.stderr()).toBe(true);
  holder.kill('SIGKILL');
  const r = await put.done;
  expect(r.code, r.stderr).toBe(0);
  expect((await ci.ok(['get', 'build', 'version'])).stdout).toBe('after the crash');
  expect(json(await ci.ok(['--json', 'status']))).toMatchObject({ pending: 0, conflicts: 0 });
}
