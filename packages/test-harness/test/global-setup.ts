/** Build coffer-server once before the harness's own tests spawn it. */
import { buildForTests } from '../../../tooling/build-for-tests.ts';

export default function setup(): void {
  buildForTests(['coffer-server']);
}
