/** Where the BUILT apps are: tests spawn exactly what users run. */
import { fileURLToPath } from 'node:url';

const repo = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** The bundled `coffer-server` (apps/server/dist). */
export const SERVER_BIN = repo('apps/server/dist/coffer-server.js');
/** The bundled `coffer` CLI (apps/cli/dist). */
export const CLI_BIN = repo('apps/cli/dist/coffer.js');
/** The built web app, for `--web-root`. */
export const WEB_ROOT = repo('apps/web/dist');
