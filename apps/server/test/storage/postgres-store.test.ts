/**
 * The storage contract against PostgreSQL: one fresh database for this file
 * (CREATE DATABASE costs ~0.5 s on a busy 2-core machine, too much per
 * test), emptied after every test so each test still
 * starts from an empty, migrated database.
 */
import pg from 'pg';
import { afterAll } from 'vitest';
import { openPostgresStore } from '../../src/storage/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';
import { storeContract } from './contract.ts';

// Children first, so no cascade has to search for rows.
const TABLES = [
  'blob_chunks',
  'blobs',
  'applied_mutations',
  'records',
  'key_grants',
  'members',
  'vaults',
  'sessions',
  'challenges',
  'accounts',
];

let database: Promise<TestDatabase> | undefined;

afterAll(async () => {
  await (await database)?.drop();
});

async function truncateAll(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // DELETE beats TRUNCATE on tables this small (no new relation files).
    await client.query(TABLES.map((t) => `DELETE FROM ${t};`).join(' '));
  } finally {
    await client.end();
  }
}

storeContract('postgres', async () => {
  database ??= createTestDatabase();
  const { url } = await database;
  return {
    open: () => openPostgresStore({ databaseUrl: url }),
    cleanup: () => truncateAll(url),
  };
});
