// The model tests' (unit and over HTTPS) checks: replicas converge, and what
// the last put of each name became.
import { expect } from 'vitest';
import type { ManualClock, TestClient } from './sync-harness.ts';

/** The last operation on a name, in real (test clock) order. */
export type LastOp = { kind: 'put'; value: string } | { kind: 'delete' };

/**
 * The last put of a name wins. The one exception: an edit restored over a
 * deletion is a new edit stamped when its conflict is resolved (client
 * README, Conflicts), so a later put that raced that resolution may lose to
 * it; it is then kept as a conflict copy on some replica, never lost.
 */
export function expectLastPutsKept(
  last: ReadonlyMap<string, LastOp>,
  final: Readonly<Record<string, unknown>>,
  copies: ReadonlyArray<{ value?: unknown }>,
): void {
  for (const [name, op] of last) {
    if (op.kind !== 'put' || final[name] === op.value) continue;
    expect(
      copies.some((copy) => copy.value === op.value),
      `last put of ${name} is the final value or a conflict copy`,
    ).toBe(true);
  }
}

/**
 * After the operations: a long pause (every backoff runs out), three rounds
 * of syncs, then the replicas must be equal, nothing left unpushed, and every
 * final value and conflict copy one that was written. Returns the final view,
 * the copies and the error events, for the caller's own checks.
 */
export async function settledViews(
  clients: ReadonlyArray<TestClient>,
  vaultId: string,
  clock: ManualClock,
  written: ReadonlySet<string>,
) {
  clock.advance(1_000_000);
  for (let round = 0; round < 3; round++) {
    for (const c of clients) await c.engine.sync(vaultId);
  }
  const views = await Promise.all(
    clients.map(async (c) =>
      Object.fromEntries((await c.records.list<string>(vaultId)).map((r) => [r.name, r.value])),
    ),
  );
  for (const view of views.slice(1)) expect(view).toEqual(views[0]);
  for (const c of clients) expect(await c.store.countOutbox()).toBe(0);
  const final = views[0]!;
  for (const [n, v] of Object.entries(final)) {
    expect(written.has(v as string), `value of ${n} was written by someone`).toBe(true);
  }
  const copies = (await Promise.all(clients.map((c) => c.conflicts.list<string>(vaultId)))).flat();
  for (const copy of copies) if (!copy.deleted) expect(written.has(copy.value!)).toBe(true);
  return { final, copies, errors: clients.flatMap((c) => c.errors) };
}
