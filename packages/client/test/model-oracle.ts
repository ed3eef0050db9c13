// The model tests' (unit and over HTTPS) check on what the last put of each name became.
import { expect } from 'vitest';

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
