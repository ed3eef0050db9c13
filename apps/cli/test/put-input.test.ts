/**
 * Where `put` takes its value from: VALUE, --file, or stdin. A value that is
 * missing by mistake must not overwrite a key. Offline, put and rm say that
 * the change is only local.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { COFFER_BIN, expectFailure, json } from './helpers/cli.ts';
import { type Device, newDevice } from './helpers/device.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let hana: Device;

beforeAll(async () => {
  server = await startTestServer();
  hana = await newDevice('hana passphrase for put input');
  await hana.ok(['signup', '--server', server.url, '-u', 'hana', '--pin', server.fingerprint]);
  await hana.unlock();
  await hana.ok(['vault', 'create', 'main']);
});
afterAll(() => server.stop());

it('put with no VALUE and an empty stdin stores nothing (a forgotten value must not blank a key)', async () => {
  await hana.ok(['put', 'main', 'blank-me-not', 'the secret']);
  // What `coffer put main blank-me-not $UNSET` or a job with stdin on /dev/null runs.
  const r = await hana.run(['put', 'main', 'blank-me-not'], { input: '' });
  expectFailure(
    r,
    2,
    /no VALUE given and stdin is empty: nothing stored\n.*coffer put VAULT KEY ''/,
  );
  expect((await hana.ok(['get', 'main', 'blank-me-not'])).stdout).toBe('the secret');
  // Said explicitly, an empty value is stored; piped bytes still are too.
  await hana.ok(['put', 'main', 'blank-me-not', '']);
  expect((await hana.ok(['get', 'main', 'blank-me-not'])).stdout).toBe('');
  await hana.ok(['put', 'main', 'blank-me-not'], { input: 'from stdin' });
  expect((await hana.ok(['get', 'main', 'blank-me-not'])).stdout).toBe('from stdin');
});

it('offline, put and rm both say the change is only local until it is pushed', async () => {
  await hana.ok(['put', 'main', 'gone-soon', 'v']);
  await server.stop();
  try {
    expect((await hana.ok(['put', 'main', 'offline-put', 'v'])).stdout).toBe(
      'stored offline-put locally (not pushed yet)\n',
    );
    expect((await hana.ok(['rm', 'main', 'gone-soon'])).stdout).toBe(
      'deleted gone-soon locally (not pushed yet)\n',
    );
    // Piped, ls prints bare names (a `while read -r k` loop gets keys); --json says pending.
    expect((await hana.ok(['ls', 'main'])).stdout).toBe('blank-me-not\noffline-put\n');
    expect(json(await hana.ok(['--json', 'ls', 'main'])).keys).toContainEqual(
      expect.objectContaining({ name: 'offline-put', pending: true }),
    );
  } finally {
    await server.start();
  }
  await hana.ok(['sync']);
  expect((await hana.ok(['rm', 'main', 'offline-put'])).stdout).toBe('deleted offline-put\n');
});

it('a server refusal reads as its detail, without the HTTP status words in front', async () => {
  const r = await hana.run(['vault', 'remove', 'main', 'hana']);
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(/^coffer: the owner cannot leave/);
});

it('put --file names what is wrong with the path', async () => {
  expectFailure(
    await hana.run(['put', 'main', 'k', '--file', hana.home]),
    2,
    /is a directory, not a file/,
  );
  expectFailure(
    await hana.run(['put', 'main', 'k', '--file', `${hana.home}/missing.bin`]),
    4,
    /cannot read .*missing\.bin: no such file/,
  );
});

it('a VALUE naming an existing file is stored as text, with a note on how to store the file', async () => {
  const path = `${hana.home}/cert.pem`;
  await writeFile(path, 'the certificate');
  const r = await hana.ok(['put', 'main', 'tls/cert', path]);
  expect(r.stdout).toBe('stored tls/cert\n');
  expect(r.stderr).toBe(
    `warning: stored the text "${path}", not the file it names; for its contents: coffer put main tls/cert --file ${path}\n`,
  );
  expect((await hana.ok(['get', 'main', 'tls/cert'])).stdout).toBe(path);
  // A path to nothing: no note. A value not written as a path is never looked
  // up (it may be a secret), even when a file of that name is right there.
  expect((await hana.ok(['put', 'main', 'tls/other', `${hana.home}/nothing`])).stderr).toBe('');
  const bare = await hana.ok(['put', 'main', 'tls/other', 'cert.pem'], { cwd: hana.home });
  expect(bare.stderr).toBe('');
  const relative = await hana.ok(['put', 'main', 'tls/other', './cert.pem'], { cwd: hana.home });
  expect(relative.stderr).toMatch(/^warning: stored the text "\.\/cert\.pem", not the file/);
  await hana.ok(['put', 'main', 'tls/cert', '--file', path]);
  expect((await hana.ok(['get', 'main', 'tls/cert'])).stdout).toBe('the certificate');
});

it('put refuses an empty key name (an unset variable) and control characters in one', async () => {
  // What `coffer put main "$KEY" v` runs with KEY unset.
  expectFailure(
    await hana.run(['put', 'main', '', 'v']),
    2,
    /the key name is empty: nothing stored\n.*unset/,
  );
  for (const key of ['two\nlines', 'tab\there', 'cr\r'])
    expectFailure(await hana.run(['put', 'main', key, 'v']), 2, /cannot hold control characters/);
  const names = json(await hana.ok(['--json', 'ls', 'main'])).keys as Array<{ name: string }>;
  expect(names.map((k) => k.name)).not.toContain('');
  // Unicode is fine.
  await hana.ok(['put', 'main', 'clé/ключ/🔑 with space', 'v']);
  expect((await hana.ok(['get', 'main', 'clé/ключ/🔑 with space'])).stdout).toBe('v');
});

it('put --file - reads stdin; too much on stdin or a pipe says to write a file first', async () => {
  await hana.ok(['put', 'main', 'dash-file', '--file', '-'], { input: 'from stdin via -' });
  expect((await hana.ok(['get', 'main', 'dash-file'])).stdout).toBe('from stdin via -');
  // VALUE "-" is stdin too (it used to store a one-character "-"), and an empty one is refused.
  await hana.ok(['put', 'main', 'dash-value', '-'], { input: 'from stdin via VALUE -' });
  expect((await hana.ok(['get', 'main', 'dash-value'])).stdout).toBe('from stdin via VALUE -');
  expectFailure(
    await hana.run(['put', 'main', 'dash-value', '-'], { input: '' }),
    2,
    /no VALUE given and stdin is empty: nothing stored/,
  );
  expect((await hana.ok(['get', 'main', 'dash-value'])).stdout).toBe('from stdin via VALUE -');
  const big = Buffer.alloc(200_000, 0x61);
  for (const args of [['--file', '-'], ['--file', '/dev/stdin'], []])
    expectFailure(
      await hana.run(['put', 'main', 'too-big', ...args], { input: big }),
      2,
      /stdin and pipes hold at most 184320 bytes\n.*write it to a file first/,
    );
});

it('a value of 180 KiB comes out whole through a shell pipe (it was cut at the 64 KiB pipe buffer)', async () => {
  const value = randomBytes(184_320);
  await hana.ok(['put', 'main', 'big.bin'], { input: value });
  // A real pipe(2) between coffer and its reader, as in `coffer get … | cmd` (spawn gives sockets).
  const { stdout } = await promisify(execFile)(
    'sh',
    ['-c', '"$NODE" "$BIN" get main big.bin | cat; "$NODE" "$BIN" --json get main big.bin | cat'],
    {
      encoding: 'buffer',
      maxBuffer: 4 << 20,
      env: {
        PATH: process.env.PATH ?? '',
        NODE: process.execPath,
        BIN: COFFER_BIN,
        COFFER_HOME: hana.home,
        COFFER_PASSPHRASE: hana.passphrase,
      },
    },
  );
  expect(stdout.subarray(0, value.length).equals(value)).toBe(true);
  const doc = JSON.parse(stdout.subarray(value.length).toString('utf8')) as { value: string };
  expect(Buffer.from(doc.value, 'base64').equals(value)).toBe(true);
});
