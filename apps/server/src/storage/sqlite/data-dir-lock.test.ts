import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../../tooling/test-temp.ts';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';

describe('lockDataDir', () => {
  it('holds the directory against a second server until released', () => {
    const dir = tempDirSync('coffer-lock-');
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    lock.release();
    lockDataDir(dir).release();
  });

  it('says in words why it cannot write the lock file (SQLite only says "unable to open database file")', () => {
    const dir = join(tempDirSync('coffer-lock-'), 'gone');
    expect(() => lockDataDir(dir)).toThrow(
      `data directory ${dir}: cannot take the lock file server.lock: no such file or directory (the server writes its database, lock and TLS files there)`,
    );
  });
});
