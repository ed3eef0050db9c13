/**
 * Builds the CLI and the server once before the suite, so tests spawn exactly
 * what users run.
 */
import { buildForTests } from '../../../tooling/build-for-tests.ts';

export default function setup(): void {
  buildForTests(['coffer-cli', 'coffer-server']);
}
