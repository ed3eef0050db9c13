/**
 * `pnpm --filter coffer-web bench [-- --records N] [--json]`: bundle size and
 * the time to open a vault of N (default 10 000) records from the local
 * replica. Needs the built server and web app (turbo's bench task builds).
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { measureOpenVault } from './open-vault.ts';
import { startServer } from './server.ts';
import { measureSize } from './size.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '10000' },
    json: { type: 'boolean', default: false },
  },
});
const records = Number(values.records);
const size = measureSize();
const server = await startServer();
try {
  const open = await measureOpenVault(server, records);
  const report = {
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    bundle: { firstLoadGzipBytes: size.firstLoadGzip, totalGzipBytes: size.totalGzip },
    openVault: open,
  };
  if (values.json) console.log(JSON.stringify(report));
  else {
    const ms = (n: number) => `${n.toFixed(0)} ms`;
    console.log(`machine: ${report.machine}`);
    console.log(
      `bundle gzip: first load ${(size.firstLoadGzip / 1024).toFixed(1)} KiB, all ${(size.totalGzip / 1024).toFixed(1)} KiB`,
    );
    const med = (xs: ReadonlyArray<number>) => [...xs].sort((x, y) => x - y)[xs.length >> 1] ?? 0;
    const line = (
      label: string,
      runs: ReadonlyArray<{ wallMs: number; mainThreadMs: number; listMs: number }>,
    ) =>
      console.log(
        `${label}: ${runs.map((r) => ms(r.wallMs)).join(', ')} wall; main thread ${runs.map((r) => ms(r.mainThreadMs)).join(', ')}; SDK listing ${runs.map((r) => ms(r.listMs)).join(', ')}`,
      );
    console.log(`seed ${records} records (Node SDK, seal + push): ${ms(open.seedMs)}`);
    console.log(`browser login + initial pull into IndexedDB: ${ms(open.initialSyncMs)}`);
    console.log(
      `then the record index built in the background (not waited for by the person): ${ms(open.indexBuiltMs)}`,
    );
    line('open vault, list shown, FIRST open on this device after that login', [open.firstOpen]);
    line(
      'open vault, list shown, COLD (no index: every envelope opened = old path, baseline)',
      open.cold,
    );
    line('open vault, list shown, WARM (after reload + login, sealed index read back)', open.warm);
    line('open vault, list shown, same page again (kept in memory)', [open.sameSession]);
    const coldMs = med(open.cold.map((r) => r.wallMs));
    const warmMs = med(open.warm.map((r) => r.wallMs));
    const coldCpu = med(open.cold.map((r) => r.mainThreadMs));
    const warmCpu = med(open.warm.map((r) => r.mainThreadMs));
    console.log(
      `warm vs cold: ${(coldMs / warmMs).toFixed(1)}× faster wall, ${(coldCpu / warmCpu).toFixed(1)}× less main-thread time`,
    );
    console.log(`rows in the DOM: ${open.rowsInDom} of ${records} (virtualized)`);
  }
} finally {
  await server.stop();
}
