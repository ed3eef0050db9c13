/**
 * Production bundle size: raw and gzip (level 9) of every file in dist/, and
 * the total a first visit downloads (HTML, JS, CSS; the KDF worker loads at
 * login). Run after `pnpm --filter coffer-web build`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

export interface SizeReport {
  files: Array<{ file: string; bytes: number; gzip: number }>;
  firstLoadGzip: number;
  totalGzip: number;
}

export function measureSize(): SizeReport {
  const rows = files(dist).map((path) => {
    const bytes = readFileSync(path);
    return {
      file: relative(dist, path),
      bytes: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
    };
  });
  const firstLoad = rows.filter((r) => /\.(html|css)$|index-.*\.js$/.test(r.file));
  return {
    files: rows,
    firstLoadGzip: firstLoad.reduce((n, r) => n + r.gzip, 0),
    totalGzip: rows.reduce((n, r) => n + r.gzip, 0),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = measureSize();
  for (const r of report.files)
    console.log(`${r.file.padEnd(44)} ${String(r.bytes).padStart(8)} B  gzip ${r.gzip} B`);
  console.log(
    `first load (html+css+entry js), gzip: ${(report.firstLoadGzip / 1024).toFixed(1)} KiB`,
  );
  console.log(`everything in dist, gzip: ${(report.totalGzip / 1024).toFixed(1)} KiB`);
}
