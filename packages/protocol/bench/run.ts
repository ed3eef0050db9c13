// `pnpm --filter @coffer/protocol bench [--json] [--no-browser] [--runs N]`
// Prints the machine and every figure; ratios compare against a ceiling
// measured in the same run, so results from different machines stay comparable.
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { type BrowserFigures, browserFigures } from './browser-figures.ts';
import { type NodeFigures, nodeFigures, type StreamRate } from './node-figures.ts';

const { values } = parseArgs({
  // `pnpm bench -- --json` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    json: { type: 'boolean', default: false },
    'no-browser': { type: 'boolean', default: false },
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
const node: NodeFigures = await nodeFigures(runs);
const target = (ok: boolean) => (ok ? 'meets target' : 'BELOW target');
log(
  `node:crypto AES-256-GCM ceiling (64 KiB buffers): ${node.ceilingMBps} MB/s (${node.ceilingCpuMBps} MB per CPU-second)`,
);
const streamLine = (label: string, r: StreamRate) =>
  log(
    `${label}: ${r.MBps} MB/s (${r.ratio} of ceiling; ${target(r.MBps >= 1000)} >= 1000); per CPU-second ${r.cpuMBps} MB (${r.cpuRatio} of ceiling)`,
  );
streamLine('stream seal 64 MiB', node.stream.seal);
streamLine('stream open 64 MiB', node.stream.open);
streamLine('envelope stream seal 64 MiB', node.stream.sealEnvelope);
streamLine('envelope stream open 64 MiB', node.stream.openEnvelope);
log(
  `1 GiB seal->open stream in a child: ${node.rss.ms} ms, peak RSS ${node.rss.maxRssMB} MB (median of runs ${node.rss.runsMB.join(', ')} MB), same child streaming nothing ${node.rss.baselineMB} MB (${target(node.rss.maxRssMB < 100)} < 100)`,
);
log(`Argon2id floor (64 MiB, t=3, p=1): ${node.argon2idFloorMs} ms`);
for (const r of node.records) {
  log(
    `${r.what}: seal ${r.seal.perSecond}/s, open ${r.open.perSecond}/s (${target(Math.min(r.seal.perSecond, r.open.perSecond) >= 20_000)} >= 20000); per CPU-second seal ${r.seal.perCpuSecond}, open ${r.open.perCpuSecond}`,
  );
}

let browser: BrowserFigures | undefined;
if (!values['no-browser']) {
  browser = await browserFigures(runs);
  log(`Chromium (${browser.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}, WebCrypto):`);
  const raw = browser.webCrypto16KiB;
  log(
    `  raw subtle.encrypt, 16 KiB calls: ${raw.sequentialMBps} MB/s one at a time, ${raw.eightInFlightMBps} MB/s eight in flight`,
  );
  log(`  stream seal 64 MiB: ${browser.sealMBps} MB/s (${target(browser.sealMBps >= 200)} >= 200)`);
  log(`  stream open 64 MiB: ${browser.openMBps} MB/s (${target(browser.openMBps >= 200)} >= 200)`);
  log(
    `  envelope stream seal / open 64 MiB: ${browser.sealEnvelopeMBps} / ${browser.openEnvelopeMBps} MB/s`,
  );
  log(`  Argon2id floor: ${browser.argon2idFloorMs} ms`);
}
if (values.json) console.log(JSON.stringify({ machine, runs, node, browser }, null, 2));
