// Builds the apps a test suite spawns (server, CLI, web), unless the caller
// already did: scripts/test.sh builds everything once and sets
// COFFER_TEST_PREBUILT=1, because suites that rebuild in parallel race on
// dist/ (tsup empties it first) and a spawned binary can vanish mid-test.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Build the named workspace packages through turbo (cached when unchanged). */
export function buildForTests(packages: ReadonlyArray<string>): void {
  if (process.env.COFFER_TEST_PREBUILT === '1') return;
  const filters = packages.flatMap((name) => ['--filter', name]);
  execFileSync('pnpm', ['turbo', 'run', 'build', ...filters, '--output-logs=errors-only'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
