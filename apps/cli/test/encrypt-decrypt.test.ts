/** `coffer encrypt` / `coffer decrypt` through the built binary, offline. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tooling/test-temp.ts';
import { coffer, expectFailure, json } from './helpers/cli.ts';

const PASS = { COFFER_PASSPHRASE: 'correct horse battery staple' };
let dir: string;

beforeAll(async () => {
  dir = await tempDir('coffer-enc-');
});

async function roundTrip(name: string, plaintext: Uint8Array) {
  const inPath = join(dir, `${name}.bin`);
  await writeFile(inPath, plaintext);
  const enc = await coffer(['encrypt', '--passphrase', inPath, `${inPath}.cfr`], { env: PASS });
  expect(enc.stderr).toBe('');
  expect(enc.code).toBe(0);
  const dec = await coffer(['decrypt', `${inPath}.cfr`, `${inPath}.out`], { env: PASS });
  expect(dec.code).toBe(0);
  expect(Buffer.compare(await readFile(`${inPath}.out`), plaintext)).toBe(0);
  return { cfr: await readFile(`${inPath}.cfr`), inPath };
}

/** Bytes of `path` in the page cache (util-linux fincore). */
function residentBytes(path: string): number {
  const out = execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', path], {
    encoding: 'utf8',
  });
  return Number(out.trim());
}

/** No temp or partial files may remain in the directory. */
async function leftovers(): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.includes('coffer-tmp'));
}

describe('encrypt/decrypt with a passphrase', () => {
  it('round-trips empty, chunk-boundary and multi-chunk files byte for byte', async () => {
    for (const [name, size] of [
      ['empty', 0],
      ['one', 1],
      ['chunk', 16_384],
      ['multi', 3 * 16_384 + 5],
    ] as const) {
      const { cfr } = await roundTrip(name, randomBytes(size));
      expect(cfr.subarray(0, 4)).toEqual(Buffer.from([0x43, 0x46, 0x52, 0x01]));
    }
  });

  it('round-trips a 3 MiB file and writes private (0600) output', async () => {
    const { inPath } = await roundTrip('big', randomBytes(3 << 20));
    expect((await stat(`${inPath}.out`)).mode & 0o777).toBe(0o600);
  });

  it('round-trips a multi-MiB file across read blocks and write batches (file, stdin, stdout)', async () => {
    // Not a multiple of the 1 MiB reads, the 4 MiB write batches or the 16 KiB chunks.
    const data = randomBytes(9 * (1 << 20) + 12_345);
    const { cfr, inPath } = await roundTrip('several-mib', data);
    expect(cfr.length).toBeGreaterThan(data.length);
    const fromStdin = await coffer(['encrypt', '-p', '-', `${inPath}.stdin.cfr`], {
      env: PASS,
      input: data,
    });
    expect(fromStdin.code).toBe(0);
    const toStdout = await coffer(['decrypt', `${inPath}.stdin.cfr`, '-'], { env: PASS });
    expect(toStdout.code).toBe(0);
    expect(Buffer.compare(toStdout.stdoutBytes, data)).toBe(0);
    expect(await leftovers()).toEqual([]);
  });

  it('round-trips a multi-MiB file written around the page cache (COFFER_DIRECT_IO=1), same bytes as the default path', async () => {
    const data = randomBytes(9 * (1 << 20) + 12_345);
    const inPath = join(dir, 'direct.bin');
    await writeFile(inPath, data);
    const env = { ...PASS, COFFER_DIRECT_IO: '1' };
    const enc = await coffer(['encrypt', '-p', inPath, `${inPath}.cfr`], { env });
    expect(enc.code).toBe(0);
    expect((await stat(`${inPath}.cfr`)).mode & 0o777).toBe(0o600);
    // Decrypted by the default (page cache) path, then written again directly.
    const plain = await coffer(['decrypt', `${inPath}.cfr`, `${inPath}.out`], { env: PASS });
    expect(plain.code).toBe(0);
    expect(Buffer.compare(await readFile(`${inPath}.out`), data)).toBe(0);
    const direct = await coffer(['decrypt', `${inPath}.cfr`, `${inPath}.out2`], { env });
    expect(direct.code).toBe(0);
    expect(Buffer.compare(await readFile(`${inPath}.out2`), data)).toBe(0);
    expect(await leftovers()).toEqual([]);
  });

  it('leaves a large output mostly out of the page cache once synced (native page-cache hint)', async () => {
    // 48 MiB: the sink syncs every 16 MiB and then drops what it synced, so at
    // most the last ~16 MiB (plus a batch in flight) may still be cached.
    const data = randomBytes(48 << 20);
    const inPath = join(dir, 'uncached.bin');
    await writeFile(inPath, data);
    const enc = await coffer(['encrypt', '-p', inPath, `${inPath}.cfr`], { env: PASS });
    expect(enc.code).toBe(0);
    expect(residentBytes(`${inPath}.cfr`)).toBeLessThan(24 << 20);
    const dec = await coffer(['decrypt', `${inPath}.cfr`, `${inPath}.out`], { env: PASS });
    expect(dec.code).toBe(0);
    expect(residentBytes(`${inPath}.out`)).toBeLessThan(24 << 20);
    // Dropped pages are read back from the disk, intact.
    expect(Buffer.compare(await readFile(`${inPath}.out`), data)).toBe(0);
  });

  it('streams stdin to stdout', async () => {
    const data = randomBytes(100_000);
    const enc = await coffer(['encrypt', '-p', '-', '-'], { env: PASS, input: data });
    expect(enc.code).toBe(0);
    const dec = await coffer(['decrypt', '-', '-'], { env: PASS, input: enc.stdoutBytes });
    expect(dec.code).toBe(0);
    expect(Buffer.compare(dec.stdoutBytes, data)).toBe(0);
  });

  it('prints one JSON document with --json', async () => {
    const inPath = join(dir, 'json.txt');
    await writeFile(inPath, 'hello');
    const r = await coffer(['--json', 'encrypt', '-p', inPath, `${inPath}.cfr`], { env: PASS });
    expect(json(r)).toEqual({
      ok: true,
      in: inPath,
      out: `${inPath}.cfr`,
      bytesIn: 5,
      bytesOut: expect.any(Number),
      recipients: ['passphrase'],
    });
  });
});

describe('decrypt fails closed', () => {
  let cfr: Buffer;
  let target: string;
  beforeAll(async () => {
    cfr = (await roundTrip('victim', randomBytes(200_000))).cfr;
    target = join(dir, 'victim.restored');
  });

  it('rejects a wrong passphrase with the crypto exit code and writes nothing', async () => {
    await writeFile(join(dir, 'ok.cfr'), cfr);
    const r = await coffer(['decrypt', join(dir, 'ok.cfr'), target], {
      env: { COFFER_PASSPHRASE: 'wrong' },
    });
    // The protocol cannot tell a wrong passphrase from damage: the message names both.
    expectFailure(r, 8, /decryption failed: wrong passphrase, or .*ok\.cfr is damaged/);
    expect(r.stderr).toMatch(/victim\.restored was not written/);
    await expect(stat(target)).rejects.toThrow();
    expect(await leftovers()).toEqual([]);
  });

  it('rejects a tampered file and leaves an existing target untouched (even with --force)', async () => {
    const tampered = Buffer.from(cfr);
    tampered[tampered.length - 70_000]! ^= 1;
    await writeFile(join(dir, 'tampered.cfr'), tampered);
    await writeFile(target, 'previous content');
    const r = await coffer(['decrypt', '--force', join(dir, 'tampered.cfr'), target], {
      env: PASS,
    });
    expectFailure(r, 8, /decryption failed/);
    expect(await readFile(target, 'utf8')).toBe('previous content');
    expect(await leftovers()).toEqual([]);
  });

  it('rejects a multi-MiB file tampered past its first MiB: no target, no temp file', async () => {
    const { cfr: big } = await roundTrip('big-victim', randomBytes(6 << 20));
    const tampered = Buffer.from(big);
    tampered[5 * (1 << 20) + 7]! ^= 0x80;
    await writeFile(join(dir, 'big-tampered.cfr'), tampered);
    const out = join(dir, 'big-tampered.out');
    const r = await coffer(['decrypt', join(dir, 'big-tampered.cfr'), out], { env: PASS });
    // Megabytes verified before the damage: the passphrase is not what is wrong.
    expectFailure(
      r,
      8,
      /decryption failed: .*big-tampered\.cfr is damaged, cut short or was changed after its first \d{7,} bytes \(the passphrase is right\)/,
    );
    expect(r.stderr).not.toMatch(/wrong passphrase/);
    await expect(stat(out)).rejects.toThrow();
    expect(await leftovers()).toEqual([]);
  });

  it('rejects a truncated file (cut at a chunk boundary and mid-chunk)', async () => {
    for (const cut of [cfr.length - 1, cfr.length - 16, Math.floor(cfr.length / 2), 100]) {
      const out = join(dir, `trunc-${cut}.out`);
      await writeFile(join(dir, 'trunc.cfr'), cfr.subarray(0, cut));
      const r = await coffer(['decrypt', join(dir, 'trunc.cfr'), out], { env: PASS });
      expectFailure(r, 8, /decryption failed|truncated|ends inside/);
      await expect(stat(out)).rejects.toThrow();
    }
    expect(await leftovers()).toEqual([]);
  });

  it('rejects trailing data and non-envelopes', async () => {
    await writeFile(join(dir, 'long.cfr'), Buffer.concat([cfr, Buffer.from([0])]));
    expectFailure(
      await coffer(['decrypt', join(dir, 'long.cfr'), join(dir, 'x1')], { env: PASS }),
      8,
      /decryption failed/,
    );
    await writeFile(join(dir, 'plain.txt'), 'just some text, not an envelope');
    expectFailure(
      await coffer(['decrypt', join(dir, 'plain.txt'), join(dir, 'x2')], { env: PASS }),
      8,
      /not a Coffer envelope/,
    );
    await expect(stat(join(dir, 'x1'))).rejects.toThrow();
  });
});

describe('encrypt/decrypt bad input', () => {
  it('gives the documented exit codes without stack traces', async () => {
    const inPath = join(dir, 'in.txt');
    await writeFile(inPath, 'data');
    await writeFile(join(dir, 'exists.cfr'), 'x');
    expectFailure(
      await coffer(['encrypt', inPath, join(dir, 'o1')], { env: PASS }),
      2,
      /exactly one of --passphrase or --to/,
    );
    expectFailure(
      await coffer(['encrypt', '-p', join(dir, 'missing'), join(dir, 'o2')], { env: PASS }),
      4,
      /no such file/,
    );
    expectFailure(
      await coffer(['encrypt', '-p', inPath, join(dir, 'exists.cfr')], { env: PASS }),
      5,
      /already exists/,
    );
    expectFailure(
      await coffer(['encrypt', '-p', inPath, join(dir, 'o3')]),
      3,
      /passphrase is required/,
    );
    expectFailure(await coffer(['encrypt', '-p', inPath]), 2, /missing argument OUT/);
    expectFailure(await coffer(['encrypt', '-p', '--bogus', inPath, join(dir, 'o4')]), 2, /bogus/);
    expect(await readFile(join(dir, 'exists.cfr'), 'utf8')).toBe('x');
    // IN as OUT would replace the plaintext with its own ciphertext: refused even with --force.
    expectFailure(
      await coffer(['encrypt', '-p', '--force', inPath, inPath], { env: PASS }),
      2,
      /IN and OUT are the same file/,
    );
    expect(await readFile(inPath, 'utf8')).toBe('data');
    // A missing directory is named as such, not as the temporary file beside OUT.
    const r = await coffer(['encrypt', '-p', inPath, join(dir, 'no-dir', 'o5')], { env: PASS });
    expectFailure(r, 4, /cannot write .*no-dir\/o5: no directory .*no-dir$/m);
    expect(r.stderr).not.toMatch(/coffer-tmp/);
  });

  it('COFFER_FILE_PASSPHRASE keeps a file passphrase apart from the account one', async () => {
    const inPath = join(dir, 'fp.txt');
    await writeFile(inPath, 'two passphrases');
    const both = {
      COFFER_PASSPHRASE: 'the account passphrase',
      COFFER_FILE_PASSPHRASE: 'the file passphrase',
    };
    const enc = await coffer(['encrypt', '-p', inPath, `${inPath}.cfr`], { env: both });
    expect(enc.code).toBe(0);
    const dec = await coffer(['decrypt', `${inPath}.cfr`, '-'], { env: both });
    expect({ code: dec.code, stdout: dec.stdout }).toEqual({ code: 0, stdout: 'two passphrases' });
    // Only the account's in the environment: the failure says where the passphrase came from.
    const r = await coffer(['decrypt', `${inPath}.cfr`, `${inPath}.out`], {
      env: { COFFER_PASSPHRASE: both.COFFER_PASSPHRASE },
    });
    expectFailure(r, 8, /wrong passphrase/);
    expect(r.stderr).toMatch(
      /came from COFFER_PASSPHRASE: give the file's in COFFER_FILE_PASSPHRASE/,
    );
  });

  it('reads the passphrase from --passphrase-file', async () => {
    const inPath = join(dir, 'pf.txt');
    await writeFile(inPath, 'secret data');
    await writeFile(join(dir, 'pass.txt'), 'file passphrase\n');
    const pf = ['--passphrase-file', join(dir, 'pass.txt')];
    expect((await coffer(['encrypt', '-p', ...pf, inPath, `${inPath}.cfr`])).code).toBe(0);
    const dec = await coffer(['decrypt', ...pf, `${inPath}.cfr`, '-']);
    expect(dec.stdout).toBe('secret data');
  });
});
