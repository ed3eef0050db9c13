import { encodeArmor, generateVaultKey, toHex } from '@coffer/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { recordIdForName, sealRecordData } from '../records/record-crypto.ts';
import { buildKeyring, type VaultKeyring } from '../vault/keyring.ts';
import { createNodeOpenPool, type NodeOpenPool } from './node-open-pool.ts';
import type { OpenJob } from './open-records.ts';
import { inThreadOpener, openKeysOf } from './record-opener.ts';

const vaultId = toHex(new Uint8Array(16).fill(3));
const pools: NodeOpenPool[] = [];
afterEach(() => {
  for (const p of pools.splice(0)) p.close?.();
});

/** 80 jobs (a worker batch): genuine, swapped, non-canonical armor, and one of an unknown epoch. */
async function jobs(ring: VaultKeyring): Promise<OpenJob[]> {
  const other = await buildKeyring(vaultId, [await generateVaultKey(2)]);
  const out: OpenJob[] = [];
  for (let i = 0; i < 80; i++) {
    const recordId = await recordIdForName(ring, `r${i}`);
    const sealedFor = i === 7 ? await recordIdForName(ring, 'elsewhere') : recordId;
    const data = {
      name: `r${i}`,
      type: 't',
      content: new Uint8Array(i),
      createdAt: 1,
      updatedAt: 100 + i,
      authorKid: new Uint8Array(16),
    };
    const envelope = await sealRecordData(i === 9 ? other : ring, sealedFor, data, undefined);
    out.push({ recordId, envelope: i === 8 ? `${encodeArmor(envelope)}=` : encodeArmor(envelope) });
  }
  return out;
}

/** A pool closed after the test, and whether its threads came up. */
async function startPool(options: Parameters<typeof createNodeOpenPool>[0]) {
  const pool = createNodeOpenPool(options);
  pools.push(pool);
  return { pool, started: await pool.started() };
}

/** `copies` times the 80 jobs of {@link jobs}, so each part's place in the answer shows. */
async function manyJobs(ring: VaultKeyring, copies: number): Promise<OpenJob[]> {
  const one = await jobs(ring);
  return Array.from({ length: copies }, () => one).flat();
}

describe('createNodeOpenPool', () => {
  it('opens on worker threads exactly as in this thread (outcomes and bytes)', async () => {
    const ring = await buildKeyring(vaultId, [await generateVaultKey(1)]);
    const batch = await jobs(ring);
    const { pool, started } = await startPool({ size: 2 });
    expect(started).toBe(true);
    const pooled = await pool.open(openKeysOf(ring), batch);
    const inline = await inThreadOpener.open(openKeysOf(ring), batch);
    expect(pooled.outcomes).toEqual(inline.outcomes);
    expect(pooled.outcomes[0]).toEqual({ ok: true, freshness: 100 });
    expect(pooled.outcomes[7]).toEqual({ ok: false, reason: 'rejected' });
    expect(pooled.outcomes[8]).toEqual({ ok: false, reason: 'malformed' });
    expect(pooled.outcomes[9]).toEqual({ ok: false, reason: 'key_missing' });
    expect(pooled.envelopes.map((e) => e && Array.from(e))).toEqual(
      inline.envelopes.map((e) => e && Array.from(e)),
    );
  });

  it('a batch of many parts (shared by the workers and this thread) comes back in order', async () => {
    const ring = await buildKeyring(vaultId, [await generateVaultKey(1)]);
    const batch = await manyJobs(ring, 8);
    const { pool, started } = await startPool({ size: 1 });
    expect(started).toBe(true);
    const [pooled, again] = await Promise.all([
      pool.open(openKeysOf(ring), batch),
      pool.open(openKeysOf(ring), batch.slice(40)),
    ]);
    const inline = await inThreadOpener.open(openKeysOf(ring), batch);
    expect(pooled.outcomes).toEqual(inline.outcomes);
    expect(again.outcomes).toEqual(inline.outcomes.slice(40));
    expect(pooled.envelopes.map((e) => e && Array.from(e))).toEqual(
      inline.envelopes.map((e) => e && Array.from(e)),
    );
  });

  it('opens every part here when its only worker dies on the first one', async () => {
    const ring = await buildKeyring(vaultId, [await generateVaultKey(1)]);
    // 6 x 80 jobs = 4 parts: two go to the worker, two stay queued for it.
    const batch = await manyJobs(ring, 6);
    const { pool, started } = await startPool({
      size: 1,
      workerUrl: new URL('../../test/fixtures/crashing-open-worker.mjs', import.meta.url),
    });
    expect(started).toBe(true);
    const { outcomes } = await pool.open(openKeysOf(ring), batch);
    expect(outcomes).toEqual((await inThreadOpener.open(openKeysOf(ring), batch)).outcomes);
  });

  it('opens in this thread when the worker cannot start', async () => {
    const ring = await buildKeyring(vaultId, [await generateVaultKey(1)]);
    const batch = await jobs(ring);
    const { pool, started } = await startPool({
      workerUrl: new URL('./no-such-worker.js', import.meta.url),
    });
    expect(started).toBe(false);
    const { outcomes } = await pool.open(openKeysOf(ring), batch);
    expect(outcomes).toEqual((await inThreadOpener.open(openKeysOf(ring), batch)).outcomes);
  });
});
