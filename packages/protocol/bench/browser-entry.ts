// Runs inside Chromium (bundled by browser-figures.ts): WebCrypto backend figures.
import { ARGON2ID_FLOOR, argon2id } from '../src/primitives/argon2id.ts';
import { MiB, mbPerSecond, medianMs, streamFigures } from './streams.ts';

/** Raw WebCrypto AES-256-GCM on 16 KiB calls, `inFlight` at a time: the browser's ceiling. */
async function webCryptoMBps(total: number, inFlight: number, runs: number): Promise<number> {
  const key = await crypto.subtle.importKey('raw', new Uint8Array(32), 'AES-GCM', false, [
    'encrypt',
  ]);
  const data = new Uint8Array(16 * 1024);
  const iv = new Uint8Array(12);
  const calls = total / data.length;
  const ms = await medianMs(runs, async () => {
    for (let i = 0; i < calls; i += inFlight) {
      const batch = Array.from({ length: Math.min(inFlight, calls - i) }, () =>
        crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, data),
      );
      await Promise.all(batch);
    }
  });
  return mbPerSecond(total, ms);
}

async function runBench(runs: number) {
  const webCrypto16KiB = {
    sequentialMBps: await webCryptoMBps(64 * MiB, 1, runs),
    eightInFlightMBps: await webCryptoMBps(64 * MiB, 8, runs),
  };
  const stream = await streamFigures(64 * MiB, runs);
  const password = new TextEncoder().encode('correct horse battery staple');
  const salt = new Uint8Array(16).fill(1);
  const argon2idFloorMs = Math.round(
    await medianMs(Math.min(runs, 3), () => argon2id(password, salt, ARGON2ID_FLOOR)),
  );
  return { userAgent: navigator.userAgent, webCrypto16KiB, ...stream, argon2idFloorMs };
}

(globalThis as { runBench?: typeof runBench }).runBench = runBench;
