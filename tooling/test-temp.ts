// Temp dirs for tests that remove themselves, shared by every package's tests
// and by @coffer/test-harness. Made while a test runs: removed when that test
// finishes. Made outside a test (beforeAll, a file's top level): removed after
// the test file's own afterAll hooks (servers stop before their dirs go).
// COFFER_KEEP_TEMP=1 keeps everything and prints where, to debug a failure.
// Outside a vitest test file (a benchmark, a globalSetup) nothing is
// registered: such callers remove what they make themselves.
import { mkdtempSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished, TestRunner } from 'vitest';

type Cleanup = () => Promise<void> | void;

const fileScoped: Cleanup[] = [];

try {
  // Runs when this module is first evaluated, i.e. while the importing test
  // file is collected (vitest evaluates modules afresh for each test file).
  // Registered before the file's own hooks, so it runs after them: vitest
  // runs afterAll hooks in reverse order.
  afterAll(async () => {
    await runAll(fileScoped.splice(0).reverse());
  });
} catch {
  // Not inside a test file: nobody runs file-scoped cleanups for us.
}

async function runAll(cleanups: Cleanup[]): Promise<void> {
  const errors: unknown[] = [];
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'test cleanup failed');
}

/** True when COFFER_KEEP_TEMP=1: temp dirs and server data dirs stay for a look after the run. */
export function keepTemp(): boolean {
  return process.env.COFFER_KEEP_TEMP === '1';
}

/**
 * Run `cleanup` when the current test finishes, or, outside a test, after the
 * current test file (last in, first out).
 */
export function whenDone(cleanup: Cleanup): void {
  if (TestRunner.getCurrentTest() !== undefined) onTestFinished(cleanup);
  else fileScoped.push(cleanup);
}

/** Remove `path` (a dir or a file) when the test or file is done, unless COFFER_KEEP_TEMP=1. */
export function removeWhenDone(path: string): void {
  if (keepTemp()) {
    console.info(`COFFER_KEEP_TEMP=1: keeping ${path}`);
    return;
  }
  whenDone(() => rm(path, { recursive: true, force: true }));
}

/** A fresh dir `$TMPDIR/<prefix>XXXXXX`, removed when the test or file is done. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  removeWhenDone(dir);
  return dir;
}

/** {@link tempDir} for synchronous setup code. */
export function tempDirSync(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  removeWhenDone(dir);
  return dir;
}
