/**
 * The second implementation: `conformance/python` is a reader written from
 * SPEC.md alone (no TypeScript read). Running it against the frozen golden
 * vectors and the Wycheproof Cobblestone-256 cases keeps SPEC.md honest: a
 * change of the spec text, or of a vector, that a reader in another
 * language could no longer follow fails here. Needs python3 (3.11) with the
 * `cryptography` package 44 or later (for Argon2id), as the CI machines have.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUNNER = fileURLToPath(new URL('../conformance/python/run.py', import.meta.url));

function runPython(args: string[]) {
  const run = spawnSync('python3', [RUNNER, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (run.error) {
    throw new Error(
      `python3 is needed for the SPEC.md conformance reader (${run.error.message}); see conformance/python/README.md`,
    );
  }
  return run;
}

describe('the Python reader written from SPEC.md alone', () => {
  it('opens every golden vector and every Cobblestone-256 vector as the spec says', () => {
    const run = runPython([]);
    const totals = /^(\d+) passed, (\d+) failed$/m.exec(run.stdout);
    expect(run.stderr).not.toMatch(/ModuleNotFoundError|ImportError/);
    expect(totals, run.stdout + run.stderr).not.toBeNull();
    const [, passed, failed] = totals!.map(Number);
    expect(failed, run.stdout).toBe(0);
    expect(run.status).toBe(0);
    // Every group ran: the 44 golden cases and the 35 Wycheproof cases at least.
    expect(run.stdout).toMatch(/golden\s+44 passed, 0 failed/);
    expect(run.stdout).toMatch(/cobblestone-256\s+35 passed, 0 failed/);
    // ... and every group of the rule vectors (vectors/rules-v1.json).
    for (const group of [
      'armor',
      'kdf-bounds',
      'passphrase-nfc',
      'low-order-enc',
      'reading-order',
      'record',
      'key-bundle',
      'key-grant',
      'record-id',
      'fingerprint',
    ]) {
      expect(run.stdout).toMatch(new RegExp(`rules-${group}\\s+[1-9]\\d* passed, 0 failed`));
    }
    expect(passed).toBeGreaterThan(800);
  });
});
