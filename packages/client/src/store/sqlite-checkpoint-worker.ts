/**
 * Worker thread of the SQLite store's background checkpointer: a second
 * connection to the replica that copies committed WAL frames into the
 * database file (`wal_checkpoint(PASSIVE)`: never waits for, nor blocks, the
 * writer). A checkpoint ends in fsyncs that take tens to hundreds of
 * milliseconds; here they do not stall the thread that syncs.
 */

import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database((workerData as { filename: string }).filename, { fileMustExist: true });
// A checkpointer must not checkpoint on its own commits (it makes none) nor
// wait for locks: a busy database is simply checkpointed on the next request.
db.pragma('busy_timeout = 0');

parentPort?.on('message', (message: 'checkpoint' | 'close') => {
  if (message === 'close') {
    db.close();
    parentPort?.close();
    return;
  }
  let ok = true;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    ok = false; // SQLITE_BUSY and the like: the next request tries again
  }
  parentPort?.postMessage(ok ? 'done' : 'busy');
});

parentPort?.postMessage('ready');
