/**
 * Generates packages/protocol/vectors/rules-v1.json ONCE from a seeded RNG
 * (the same SHA-512 counter stream as envelope-v1.json, another seed). The
 * file is then frozen like envelope-v1.json: tests load it and never
 * regenerate it, and this script refuses to overwrite it. It pins rules that
 * envelope-v1.json leaves to the SPEC text (SPEC.md 13, "Rule vectors").
 *
 *   node --conditions=@coffer/source --experimental-strip-types scripts/generate-rules-vectors.ts
 *   ... generate-rules-vectors.ts --stdout | cmp - vectors/rules-v1.json   # reproducible?
 */
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeFixtures } from './golden-fixtures.ts';
import { armorCases } from './rules-armor.ts';
import type { RulesVectors } from './rules-case.ts';
import { fingerprintCases } from './rules-fingerprints.ts';
import { keyGrantCases } from './rules-grants.ts';
import { keyBundleCases, recordIdCases } from './rules-keys.ts';
import { lowOrderCases } from './rules-low-order.ts';
import { passphraseCases } from './rules-passphrase.ts';
import { readingOrderCases } from './rules-reading-order.ts';
import { recordCases } from './rules-records.ts';

const target = fileURLToPath(new URL('../vectors/rules-v1.json', import.meta.url));
// --stdout prints the cases instead (to check that the frozen file is what this script makes).
const toStdout = process.argv.includes('--stdout');
if (existsSync(target) && !toStdout && !process.argv.includes('--force')) {
  console.error(`${target} exists and is frozen; refusing to overwrite.`);
  process.exit(1);
}

const f = await makeFixtures('coffer rule vectors v1');
const vectors: RulesVectors = {
  armor: armorCases(f.random),
  envelopes: [
    ...(await passphraseCases(f)),
    ...(await lowOrderCases(f)),
    ...(await readingOrderCases(f)),
  ],
  records: await recordCases(f),
  keyBundles: await keyBundleCases(f),
  keyGrants: await keyGrantCases(f),
  recordIds: await recordIdCases(f),
  fingerprints: await fingerprintCases(f.random),
};
const out = toStdout ? undefined : target;
const text = `${JSON.stringify(vectors, null, 2)}\n`;
if (out) writeFileSync(out, text);
else process.stdout.write(text);
const count = Object.values(vectors).reduce((n, group) => n + group.length, 0);
console.error(`${count} cases${out ? ` written to ${out}` : ''}`);
