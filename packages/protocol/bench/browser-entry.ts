// Runs inside Chromium (bundled by browser-figures.ts): WebCrypto backend figures.
import { ARGON2ID_FLOOR, argon2id } from '../src/primitives/argon2id.ts';
import { MiB, medianMs, streamFigures } from './streams.ts';

async function runBench(runs: number) {
  const stream = await streamFigures(64 * MiB, runs);
  const password = new TextEncoder().encode('correct horse battery staple');
  const salt = new Uint8Array(16).fill(1);
  const argon2idFloorMs = Math.round(
    await medianMs(Math.min(runs, 3), () => argon2id(password, salt, ARGON2ID_FLOOR)),
  );
  return { userAgent: navigator.userAgent, ...stream, argon2idFloorMs };
}

(globalThis as { runBench?: typeof runBench }).runBench = runBench;
