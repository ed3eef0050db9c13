// tooling/test-temp.ts (shared by every package's tests) and the harness's
// use of it: what a test makes goes when that test finishes; what is made
// outside a test stays for the whole file; COFFER_KEEP_TEMP=1 keeps it all.
import { existsSync, rmSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tempDir, tempDirSync } from '../../../tooling/test-temp.ts';
import { type CofferServer, startCofferServer } from '../src/index.ts';
import { waitUntilRefused } from './support.ts';

let fileDir: string;
beforeAll(async () => {
  fileDir = await tempDir('coffer-harness-file-');
});

describe('temp dirs', () => {
  let madeInTest = '';
  let madeSync = '';
  let kept = '';

  it('a dir made in a test exists during it', async () => {
    madeInTest = await tempDir('coffer-harness-test-');
    madeSync = tempDirSync('coffer-harness-sync-');
    expect(existsSync(madeInTest)).toBe(true);
    expect(existsSync(madeSync)).toBe(true);
    expect(existsSync(fileDir)).toBe(true);
  });

  it('is gone once that test finished; a dir made in beforeAll stays for the file', () => {
    expect(existsSync(madeInTest)).toBe(false);
    expect(existsSync(madeSync)).toBe(false);
    expect(existsSync(fileDir)).toBe(true);
  });

  it('stays when COFFER_KEEP_TEMP=1', async () => {
    vi.stubEnv('COFFER_KEEP_TEMP', '1');
    try {
      kept = await tempDir('coffer-harness-kept-');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('(the kept dir is still there)', () => {
    expect(existsSync(kept)).toBe(true);
    rmSync(kept, { recursive: true });
  });
});

describe('a server started in a test', () => {
  let server: CofferServer | undefined;

  it('runs during the test', async () => {
    server = await startCofferServer({ tempPrefix: 'coffer-harness-scoped-' });
    expect(existsSync(server.dataDir)).toBe(true);
  });

  it('is stopped and its data dir removed once the test finished', async () => {
    const finished = server!;
    expect(finished.running).toBe(false);
    expect(existsSync(finished.dataDir)).toBe(false);
    await waitUntilRefused(finished.port);
  });
});
