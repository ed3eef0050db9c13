// main(): how a command's outcome and its output's fate become the exit code.
import { PassThrough, Writable } from 'node:stream';
import { ServerProblemError } from '@coffer/client';
import { describe, expect, it } from 'vitest';
import type { CommandSpec } from './command.ts';
import { main } from './main.ts';

function epipe(): NodeJS.ErrnoException {
  return Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' });
}

/** One command, `run`, doing `body`. */
function commands(body: () => Promise<void>): CommandSpec[] {
  return [
    {
      path: ['run'],
      summary: 'test',
      positionals: [],
      options: {},
      examples: [],
      load: async () => ({ run: body }),
    },
  ];
}

function streams(stdout: Writable = new PassThrough()) {
  let err = '';
  const stderr = new Writable({
    write(chunk, _enc, done) {
      err += String(chunk);
      done();
    },
  });
  return { io: { stdout, stderr }, stderr: () => err };
}

describe('main', () => {
  it('an EPIPE from a socket (the server closed the connection) is a network failure, not success', async () => {
    const s = streams();
    const code = await main(
      ['run'],
      commands(async () => {
        throw new Error('fetch failed', { cause: epipe() });
      }),
      s.io,
      {},
    );
    expect(code).toBe(6);
    expect(s.stderr()).toMatch(/cannot reach the server \(EPIPE\)/);
  });

  it('an EPIPE of stdout itself (its reader went away) ends quietly', async () => {
    const stdout = new Writable({
      write(_chunk, _enc, done) {
        done(epipe());
      },
    });
    const s = streams(stdout);
    const code = await main(
      ['run'],
      commands(async () => {
        await new Promise<void>((resolve, reject) => {
          stdout.write('value', (e) => (e ? reject(e) : resolve()));
        });
      }),
      s.io,
      {},
    );
    expect({ code, stderr: s.stderr() }).toEqual({ code: 0, stderr: '' });
  });
});

describe('main: the --json error document', () => {
  it('carries retryAfterSeconds of a rate-limited request inside error', async () => {
    let out = '';
    const stdout = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    const s = streams(stdout);
    const code = await main(
      ['--json', 'run'],
      commands(async () => {
        throw new ServerProblemError(
          'rate_limited',
          429,
          'Too many requests: too many attempts',
          9_000,
        );
      }),
      s.io,
      {},
    );
    expect({ code, doc: JSON.parse(out) }).toEqual({
      code: 7,
      doc: {
        ok: false,
        error: {
          code: 'rate_limited',
          message: 'too many attempts',
          exit: 7,
          hint: 'try again in 9 s',
          retryAfterSeconds: 9,
        },
      },
    });
    expect(s.stderr()).toBe('coffer: too many attempts\n  try again in 9 s\n');
  });
});

describe('main waits for its output', () => {
  it('returns only once stdout took every byte (the bin exits right after: a pipe was cut off at 64 KiB)', async () => {
    let release: (() => void) | undefined;
    let written = 0;
    // A pipe whose reader has not read yet: the big write completes only when released.
    const stdout = new Writable({
      write(chunk: Buffer, _enc, done) {
        if (chunk.length === 0) return done();
        release = () => {
          written += chunk.length;
          done();
        };
      },
    });
    const s = streams(stdout);
    let returned = false;
    const exit = main(
      ['run'],
      commands(async () => {
        stdout.write(Buffer.alloc(200_000, 97));
      }),
      s.io,
      {},
    ).then((code) => {
      returned = true;
      return code;
    });
    // Many turns of the event loop: the command is long done, the write still pending.
    for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect({ returned, writeStarted: release !== undefined }).toEqual({
      returned: false,
      writeStarted: true,
    });
    release?.();
    expect({ code: await exit, written }).toEqual({ code: 0, written: 200_000 });
  });
});
