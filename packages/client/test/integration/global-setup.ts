/**
 * Builds coffer-server once before the integration suite, so the tests spawn
 * exactly the binary users run.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../..', import.meta.url));

export default function setup(): void {
  execFileSync('pnpm', ['--filter', 'coffer-server', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
