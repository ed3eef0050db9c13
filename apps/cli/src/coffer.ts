/** The `coffer` bin. Keep this file tiny: cold start is part of the contract. */
// A namespace import: a named import of an export that an older Node lacks
// would fail to link, before any line here could say what is wrong.
import * as nodeModule from 'node:module';
import { main } from './cli/main.ts';
import { COMMANDS } from './commands/table.ts';

// The oldest Node this bundle and its dependencies (undici) run on. Said in
// one line instead of a TypeError from deep inside a dependency.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `coffer: needs Node.js 22.19 or later, this is ${process.version}\n  install a newer Node (the README's scripts/bootstrap.sh installs Node 24)\n`,
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
