/**
 * Generates packages/protocol/vectors/envelope-v1.json ONCE from a seeded RNG.
 * The file is then frozen: tests load it and never regenerate it, and this
 * script refuses to overwrite it (a changed vector means a broken format).
 *
 *   node --conditions=@coffer/source --experimental-strip-types scripts/generate-golden-vectors.ts
 */
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toHex } from '../src/bytes.ts';
import { recordAppContext } from '../src/envelope/app-contexts.ts';
import { CONTENT_TYPES } from '../src/envelope/constants.ts';
import { padRecordPlaintext } from '../src/record/padding.ts';
import { encodeRecordPlaintext } from '../src/record/record-codec.ts';
import type { GoldenCase } from './golden-case.ts';
import { unknownStanzaEnvelope } from './golden-crafted.ts';
import { type Fixture, makeFixtures, seal } from './golden-fixtures.ts';
import { invalidCases } from './golden-invalid.ts';

const target = fileURLToPath(new URL('../vectors/envelope-v1.json', import.meta.url));
if (existsSync(target) && !process.argv.includes('--force')) {
  console.error(`${target} exists and is frozen; refusing to overwrite.`);
  process.exit(1);
}

const f: Fixture = await makeFixtures('coffer golden vectors v1');
const r = f.random;
const cases: GoldenCase[] = [];

const v1 = await seal(f, 'direct record, empty plaintext', new Uint8Array(0), {
  contentType: 'record',
  key: f.vaultKey,
  context: r(20),
});
cases.push(v1.case);

const vaultId = r(16);
const recordId = r(16);
const record = {
  name: 'Groceries ✓',
  type: 'note',
  content: new TextEncoder().encode('milk, eggs, bread'),
  createdAt: 1_764_000_000_000,
  updatedAt: 1_764_000_123_456,
  authorKid: f.signer.kid,
};
const v2 = await seal(
  f,
  'direct record, record layer (PADMÉ-padded record plaintext)',
  padRecordPlaintext(encodeRecordPlaintext(record)),
  {
    contentType: 'record',
    key: f.vaultKey,
    context: recordAppContext(vaultId, recordId),
  },
);
v2.case.record = {
  vaultId: toHex(vaultId),
  recordId: toHex(recordId),
  name: record.name,
  type: record.type,
  content: toHex(record.content),
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
  authorKid: toHex(record.authorKid),
};
cases.push(v2.case);

const v3 = await seal(
  f,
  'direct blob, 16384 bytes: one full chunk plus an empty final chunk',
  r(16_384),
  { contentType: 'blob', key: f.vaultKey, context: r(40) },
);
cases.push(v3.case);

cases.push(
  (
    await seal(f, 'direct key-bundle, 100 bytes', r(100), {
      contentType: 'key-bundle',
      key: f.vaultKey,
      context: r(24),
    })
  ).case,
);

const v6 = await seal(f, 'direct vault-head, SIGNED, epoch 0xffffffff', r(64), {
  contentType: 'vault-head',
  key: f.maxEpochKey,
  context: r(20),
  signer: f.signer,
});
cases.push(v6.case);

const v7 = await seal(
  f,
  'wrapped key-grant, two X25519 stanzas, SIGNED, opened by the second recipient',
  r(32),
  {
    contentType: 'key-grant',
    epoch: 5,
    context: r(20),
    signer: f.signer,
    recipients: [
      { type: 'x25519', kid: f.alice.kid, publicKey: f.alice.publicKey },
      { type: 'x25519', kid: f.bob.kid, publicKey: f.bob.publicKey },
    ],
  },
  { x25519Keys: [f.bob] },
);
cases.push(v7.case);

const v8 = await seal(
  f,
  'wrapped key-bundle, PASSPHRASE stanza at the Argon2id floor',
  r(200),
  {
    contentType: 'key-bundle',
    context: r(20),
    recipients: [{ type: 'passphrase', passphrase: f.passphrase }],
  },
  { passphrase: f.passphrase },
);
cases.push(v8.case);

cases.push(await unknownStanzaEnvelope(f, r(300)));

const v10 = await seal(
  f,
  'wrapped blob, SYMMETRIC + X25519 stanzas, empty context, opened with the KEK',
  r(1000),
  {
    contentType: 'blob',
    context: new Uint8Array(0),
    recipients: [
      { type: 'symmetric', ...f.kek },
      { type: 'x25519', kid: f.alice.kid, publicKey: f.alice.publicKey },
    ],
  },
  { keks: [f.kek] },
);
cases.push(v10.case);

cases.push(...(await invalidCases(f, { v1, v2, v3, v6, v7, v8, v10 })));

const covered = new Set(cases.map((c) => c.contentType));
for (const type of Object.keys(CONTENT_TYPES)) {
  if (!covered.has(type as keyof typeof CONTENT_TYPES)) throw new Error(`no case for ${type}`);
}
writeFileSync(target, `${JSON.stringify(cases, null, 2)}\n`);
console.log(`wrote ${cases.length} cases to ${target}`);
