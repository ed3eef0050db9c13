// Local disk failures are their own exit class (io, 9), not "a bug".
import { ServerProblemError } from '@coffer/client';
import { describe, expect, it } from 'vitest';
import { toCliError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';

function errnoError(code: string, message: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, syscall: 'write', path });
}

describe('toCliError: the local disk', () => {
  it.each([
    ['ENOSPC', /^no space left on the disk \(writing \/data\/out\.cfr\)$/],
    ['EDQUOT', /^no space left on the disk/],
    ['EROFS', /^read-only file system: \/data\/out\.cfr$/],
    ['EIO', /^input\/output error/],
    ['EFBIG', /^file too large/],
    ['EMFILE', /^too many open files$/],
  ])('%s exits io (9) with a plain message and a hint', (code, message) => {
    const err = toCliError(errnoError(code, `${code}: raw`, '/data/out.cfr'));
    expect(err?.exit).toBe('io');
    expect(ExitCode[err!.exit]).toBe(9);
    expect(err?.code).toBe(code.toLowerCase());
    expect(err?.message).toMatch(message);
    expect(err?.hint).toMatch(/into place only once complete, so no file was replaced/);
  });

  it('a write without a path still says what happened', () => {
    const err = toCliError(errnoError('ENOSPC', 'ENOSPC: no space left on device, write'));
    expect(err?.message).toBe('no space left on the disk');
  });

  it("SQLite's full disk (the replica) exits io too, found through a cause chain", () => {
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const err = toCliError(new Error('put failed', { cause: full }));
    expect({ exit: err?.exit, code: err?.code }).toEqual({ exit: 'io', code: 'replica_io' });
    expect(err?.message).toBe('cannot write the local replica: the disk is full');
  });

  it('a damaged replica is still a crypto-class failure, not io', () => {
    const bad = Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' });
    expect(toCliError(bad)?.exit).toBe('crypto');
  });
});

describe('toCliError: rate limited (429)', () => {
  it('says when to try again, and gives it to --json as error.retryAfterSeconds', () => {
    const limited = new ServerProblemError(
      'rate_limited',
      429,
      'Too many requests: too many attempts; retry later',
      41_200,
    );
    const err = toCliError(limited);
    expect({
      exit: err?.exit,
      code: err?.code,
      message: err?.message,
      hint: err?.hint,
      errorFields: err?.errorFields,
    }).toEqual({
      exit: 'server',
      code: 'rate_limited',
      message: 'too many attempts; retry later',
      hint: 'try again in 42 s',
      errorFields: { retryAfterSeconds: 42 },
    });
  });

  it('without a Retry-After it still says to wait, and invents no number', () => {
    const err = toCliError(
      new ServerProblemError('rate_limited', 429, 'Too many requests: slow down'),
    );
    expect({ hint: err?.hint, errorFields: err?.errorFields }).toEqual({
      hint: 'try again in a moment',
      errorFields: undefined,
    });
  });
});
