/** The `coffer` bin. Keep this file tiny: cold start is part of the contract. */
import { enableCompileCache } from 'node:module';
import { main } from './cli/main.ts';
import { COMMANDS } from './commands/table.ts';

// Cache V8 bytecode of the bundle across runs (Node >= 22.1): scripts run `coffer` often.
enableCompileCache?.();
// Everything this process creates (profile files, the SQLite replica and its WAL) is private.
process.umask(0o077);
// Exit explicitly: idle keep-alive sockets or watchers must not keep a finished command alive.
// main() catches everything it awaits, so no stack trace of an expected error reaches the user.
process.exit(await main(process.argv.slice(2), COMMANDS));
