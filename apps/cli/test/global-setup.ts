/**
 * Builds the CLI and the server once before the suite, so tests spawn exactly
 * what users run.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export default function setup(): void {
  for (const pkg of ['coffer-cli', 'coffer-server']) {
    execFileSync('pnpm', ['--filter', pkg, 'build'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}
