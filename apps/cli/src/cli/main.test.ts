// main(): how a command's outcome and its output's fate become the exit code.
import { PassThrough, Writable } from 'node:stream';
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
