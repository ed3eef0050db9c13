/**
 * Builds the CLI (and the server, for integration tests) once before the
 * suite, so tests spawn exactly what users run.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export default function setup(): void {
  execFileSync('pnpm', ['--filter', 'coffer-cli', 'build'], { cwd: root, stdio: 'inherit' });
}
