/** The `coffer` bin. Keep this file tiny: cold start is part of the contract. */
import { main } from './cli/main.ts';
import { COMMANDS } from './commands/table.ts';

// Stack traces of unhandled rejections would leak internals; main() catches everything it awaits.
// Everything this process creates (profile files, the SQLite replica and its WAL) is private.
process.umask(0o077);
// Exit explicitly: idle keep-alive sockets or watchers must not keep a finished command alive.
process.exit(await main(process.argv.slice(2), COMMANDS));
