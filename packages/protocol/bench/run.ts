// `pnpm --filter @coffer/protocol bench [--json] [--no-browser | --browser-only] [--runs N]`
// Prints the machine and every figure; ratios compare against a ceiling
// measured in the same run, so results from different machines stay comparable.
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { type BrowserFigures, type BrowserRate, browserFigures } from './browser-figures.ts';
import { type NodeFigures, nodeFigures, type RssSummary, type StreamRate } from './node-figures.ts';

const { values } = parseArgs({
  // `pnpm bench -- --json` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    json: { type: 'boolean', default: false },
    'no-browser': { type: 'boolean', default: false },
    // Chromium figures only (they take a minute; the Node ones several).
    'browser-only': { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
  },
});
const runs = Number(values.runs);

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  // The machine may be shared: a high load average explains low figures.
  loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
};
const log = (line: string) => {
  if (!values.json) console.log(line);
};

log(
  `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, load average (1 min) ${machine.loadAverage1m}`,
);
const target = (ok: boolean) => (ok ? 'meets target' : 'BELOW target');

function printNodeFigures(node: NodeFigures): void {
  log(
    `node:crypto AES-256-GCM ceiling (64 KiB buffers, one thread): ${node.ceilingMBps} MB/s (${node.ceilingCpuMBps} MB per CPU-second)`,
  );
  log(
    `node:crypto AES-256-GCM, one cipher per 16 KiB chunk (one thread; what Cobblestone needs): ${node.perChunkCeilingMBps} MB/s`,
  );
  const aead = node.chunkAead;
  log(
    aead.loaded
      ? `chunk AEAD: native (OpenSSL EVP inside Node, one keyed context per thread: ${aead.path}); node:crypto figures beside it are the fallback, same rounds`
      : `chunk AEAD: node:crypto for every chunk (native one not in use: ${aead.reason})`,
  );
  log('streams below run on the calling thread only (the default; worker pool off)');
  const streamLine = (label: string, r: StreamRate) =>
    log(
      `${label}: ${r.MBps} MB/s (${r.ratio} of the 64 KiB ceiling, ${Math.round((r.MBps / node.perChunkCeilingMBps) * 100) / 100} of the per-chunk one; ${target(r.MBps >= 1000)} >= 1000); per CPU-second (all threads) ${r.cpuMBps} MB (${r.cpuRatio} of ceiling)`,
    );
  const fallbackLine = (label: string, r: StreamRate | undefined) => {
    if (r)
      log(
        `  ${label}, node:crypto chunks (fallback): ${r.MBps} MB/s (${r.ratio} of the 64 KiB ceiling)`,
      );
  };
  const fallback = node.nodeCryptoChunks;
  streamLine('stream seal 64 MiB', node.stream.seal);
  fallbackLine('stream seal 64 MiB', fallback?.seal);
  streamLine('stream open 64 MiB', node.stream.open);
  fallbackLine('stream open 64 MiB', fallback?.open);
  streamLine('envelope stream seal 64 MiB', node.stream.sealEnvelope);
  fallbackLine('envelope stream seal 64 MiB', fallback?.sealEnvelope);
  streamLine('envelope stream open 64 MiB', node.stream.openEnvelope);
  fallbackLine('envelope stream open 64 MiB', fallback?.openEnvelope);
  const rssLine = (label: string, r: RssSummary) =>
    log(
      `${label}: ${r.ms} ms, peak RSS ${r.maxRssMB} MB (median of runs ${r.runsMB.join(', ')} MB), same child streaming nothing ${r.baselineMB} MB (${target(r.maxRssMB < 100)} < 100); chunk AEAD ${r.nativeChunkAead ? 'native' : 'node:crypto'}`,
    );
  rssLine('1 GiB seal->open stream in a child (default, one thread)', node.rss);
  const nw = node.workers;
  log(
    `with the worker pool on: ${nw.threads} threads (${nw.threads - 1} worker + the calling thread); batches of 64 chunks handed to workers ${nw.batches.submitted}, taken back by the calling thread ${nw.batches.takenBack}; same-run ceilings ${nw.ceilingMBps} MB/s (64 KiB) and ${nw.perChunkCeilingMBps} MB/s (per 16 KiB chunk, one thread)`,
  );
  log(
    `  node:crypto one cipher per 16 KiB chunk on all ${nw.allCores.threads} cores at once (a worker thread each, no stream; the most any design could reach here): ${nw.allCores.perChunkCeilingMBps} MB/s (${nw.allCores.perChunkCeilingMBps >= 1000 ? '1 GB/s is within reach of the hardware' : 'BELOW 1000 in this run: no node:crypto design could reach 1 GB/s here at this load'})`,
  );
  for (const [label, r] of [
    ['stream seal', nw.seal],
    ['stream open', nw.open],
    ['envelope stream seal', nw.sealEnvelope],
    ['envelope stream open', nw.openEnvelope],
  ] as const) {
    log(
      `  ${label} 64 MiB, worker pool on: ${r.MBps} MB/s (${r.allCoresRatio} of the all-cores per-chunk ceiling, target 0.8; ${target(r.MBps >= 1000)} >= 1000); per CPU-second (all threads) ${r.cpuMBps} MB`,
    );
  }
  rssLine('  1 GiB seal->open stream in a child, worker pool on', node.rssWorkers);
  log(`Argon2id floor (64 MiB, t=3, p=1): ${node.argon2idFloorMs} ms`);
  for (const r of node.records) {
    log(
      `${r.what}: seal ${r.seal.perSecond}/s, open ${r.open.perSecond}/s (${target(Math.min(r.seal.perSecond, r.open.perSecond) >= 20_000)} >= 20000); per CPU-second seal ${r.seal.perCpuSecond}, open ${r.open.perCpuSecond}`,
    );
  }
}

let node: NodeFigures | undefined;
if (!values['browser-only']) {
  node = await nodeFigures(runs);
  printNodeFigures(node);
}

let browser: BrowserFigures | undefined;
if (!values['no-browser']) {
  browser = await browserFigures(runs);
  log(`Chromium (${browser.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}, WebCrypto):`);
  const raw = browser.webCrypto16KiB;
  const faults = (r: BrowserRate) =>
    r.faultsPerChunk === undefined ? '' : `, ${r.faultsPerChunk} page faults per 16 KiB`;
  const ofCeiling = (r: BrowserRate, ceiling: BrowserRate) =>
    `${Math.round((r.MBps / ceiling.MBps) * 100) / 100} of the raw calls`;
  log(
    `  raw subtle.encrypt, a 16 KiB chunk per call: ${raw.encryptOneAtATime.MBps} MB/s one at a time, ${raw.encryptEightInFlight.MBps} MB/s eight in flight${faults(raw.encryptEightInFlight)}`,
  );
  log(
    `  raw subtle.decrypt, a sealed chunk per call, eight in flight: ${raw.decryptEightInFlight.MBps} MB/s${faults(raw.decryptEightInFlight)}`,
  );
  const memory = browser.memory;
  const touch = browser.firstTouchMicrosPerPage;
  log(
    `  fresh 16 KiB buffers, allocated and written once (as every WebCrypto result is): ${memory.freshBuffers.MBps} MB/s${faults(memory.freshBuffers)}; one buffer rewritten: ${memory.reusedBuffer.MBps} MB/s`,
  );
  log(
    `  this machine's first touch of a fresh 4 KiB page: ${touch.fresh} us (a mapped page: ${touch.mapped} us)`,
  );
  const streamLine = (label: string, r: BrowserRate, ceiling: BrowserRate) =>
    log(
      `  ${label} 64 MiB: ${r.MBps} MB/s (${ofCeiling(r, ceiling)}${faults(r)}; ${target(r.MBps >= 200)} >= 200)`,
    );
  streamLine('stream seal', browser.seal, raw.encryptEightInFlight);
  streamLine('stream open', browser.open, raw.decryptEightInFlight);
  streamLine('envelope stream seal', browser.sealEnvelope, raw.encryptEightInFlight);
  streamLine('envelope stream open', browser.openEnvelope, raw.decryptEightInFlight);
  log(`  Argon2id floor: ${browser.argon2idFloorMs} ms`);
}
if (values.json) console.log(JSON.stringify({ machine, runs, node, browser }, null, 2));
