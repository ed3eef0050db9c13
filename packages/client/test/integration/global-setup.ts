/**
 * Builds coffer-server once before the integration suite, so the tests spawn
 * exactly the binary users run.
 */
import { buildForTests } from '../../../../tooling/build-for-tests.ts';

export default function setup(): void {
  buildForTests(['coffer-server']);
}
