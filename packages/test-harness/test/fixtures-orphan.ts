// A test process that starts a server and then dies: `kill` waits to be
// SIGKILLed (no cleanup can run), `exit` calls process.exit without stopping.
import { startCofferServer } from '../src/index.ts';

const server = await startCofferServer({ tempPrefix: 'coffer-harness-orphan-' });
process.stdout.write(`${JSON.stringify({ port: server.port, dataDir: server.dataDir })}\n`);
if (process.argv[2] === 'exit') process.exit(0);
setInterval(() => {}, 60_000);
