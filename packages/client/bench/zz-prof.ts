import { fromHex, generateVaultKey, openEnvelope, recordAppContext, toHex } from '@coffer/protocol';
import { openRecordData, recordIdForName, sealRecordData } from '../src/records/record-crypto.ts';
import { buildKeyring } from '../src/vault/keyring.ts';

const ring = await buildKeyring(toHex(crypto.getRandomValues(new Uint8Array(16))), [
  await generateVaultKey(1),
]);
const content = new Uint8Array(1024).fill(97);
const envs: Array<[string, Uint8Array]> = [];
for (let i = 0; i < 3000; i++) {
  const id = await recordIdForName(ring, `r${i}`);
  envs.push([
    id,
    await sealRecordData(
      ring,
      id,
      {
        name: `r${i}`,
        type: 'b',
        content,
        createdAt: 1,
        updatedAt: 1,
        authorKid: new Uint8Array(16),
      },
      undefined,
    ),
  ]);
}
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  for (const [id, e] of envs) await openRecordData(ring, id, e);
  console.log('openRecordData/s', 3000 / ((performance.now() - t) / 1000));
  t = performance.now();
  for (const [id, e] of envs)
    await openEnvelope(e, {
      context: recordAppContext(ring.vaultIdBytes, fromHex(id)),
      keys: ring.keys,
      contentType: 'record',
    });
  console.log('openEnvelope/s', 3000 / ((performance.now() - t) / 1000));
}
