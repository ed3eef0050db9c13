/**
 * A second implementation against the built first one: the Python reader in
 * packages/protocol/conformance/python was written from SPEC.md alone. Here
 * it opens what the BUILT CLI and server really produce (`coffer encrypt`
 * files, and after a CLI signup, vault and puts: the stored account keys, key
 * bundle, fingerprint, key grant, record envelopes, derived record ids and a
 * blob), and seals files that `coffer decrypt` must open. A TypeScript change
 * that drifts from SPEC.md where no golden vector looks (the key hierarchy,
 * the record layer's conventions) fails here.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const RUNNER = fileURLToPath(
  new URL('../../../packages/protocol/conformance/python/run.py', import.meta.url),
);

describe('the SPEC.md-only Python reader and the built TypeScript apps', () => {
  test('agree on files, key hierarchy, records and blobs', () => {
    const run = spawnSync('python3', [RUNNER, '--interop-only', '--cli', '--server', '-v'], {
      encoding: 'utf8',
      timeout: 110_000,
    });
    expect(run.error, 'python3 with cryptography >= 44 is needed').toBeUndefined();
    const report = run.stdout + run.stderr;
    expect(report).toMatch(/cli-interop\s+3 passed, 0 failed/);
    expect(report).toMatch(/server-interop\s+8 passed, 0 failed/);
    expect(report).toMatch(/^11 passed, 0 failed$/m);
    expect(run.status, report).toBe(0);
  });
});
