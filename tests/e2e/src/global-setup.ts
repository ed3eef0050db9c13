/**
 * Build what users run, once, before the suite: the server, the web app it
 * serves and the CLI (turbo skips what is already built and unchanged).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export default function setup(): void {
  execFileSync(
    'pnpm',
    [
      'turbo',
      'run',
      'build',
      '--filter',
      'coffer-server',
      '--filter',
      'coffer-web',
      '--filter',
      'coffer-cli',
      '--output-logs=errors-only',
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}
