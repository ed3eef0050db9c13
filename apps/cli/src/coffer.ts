/** The `coffer` bin. Keep this file tiny: cold start is part of the contract. */
// A namespace import: a named import of an export that an older Node lacks
// would fail to link, before any line here could say what is wrong.
import * as nodeModule from 'node:module';
import { main } from './cli/main.ts';
import { COMMANDS } from './commands/table.ts';

// The Node this workspace supports (package.json engines; dependencies such
// as undici and the SQLite binding need it). Said in one line instead of a
// TypeError from deep inside a dependency.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `coffer: needs Node.js 24 or later, this is ${process.version}\n  install a newer Node (the README's scripts/bootstrap.sh installs Node 24)\n`,
  );
  process.exit(1);
}
// Cache V8 bytecode of the bundle across runs (Node >= 22.1): scripts run `coffer` often.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// Everything this process creates (profile files, the SQLite replica and its WAL) is private.
process.umask(0o077);
// Exit explicitly: idle keep-alive sockets or watchers must not keep a finished command alive.
// main() catches everything it awaits, so no stack trace of an expected error reaches the user.
process.exit(await main(process.argv.slice(2), COMMANDS));
