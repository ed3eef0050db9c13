/**
 * Build what users run, once, before the suite: the server, the web app it
 * serves and the CLI (turbo skips what is unchanged; skipped entirely when
 * scripts/test.sh already built everything, see tooling/build-for-tests.ts).
 */
import { buildForTests } from '../../../tooling/build-for-tests.ts';

export default function setup(): void {
  buildForTests(['coffer-server', 'coffer-web', 'coffer-cli']);
}
