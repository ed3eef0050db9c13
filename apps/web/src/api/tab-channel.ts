/**
 * What one tab (or window) of this browser tells the others logged in to the
 * same account. They share one IndexedDB replica but each holds its own keys
 * and server session: a logout or a Lock pressed in one must not leave the
 * others open, a passphrase changed in one ends the others' sessions on the
 * server, and a save in one changes the replica under the others' screens.
 * Only ids travel: no key, value or name.
 */
export type TabMessage =
  | { kind: 'logout' }
  | { kind: 'lock' }
  | { kind: 'passphrase-changed' }
  | { kind: 'changed'; vaultId: string };

export interface TabLink {
  /** Tell every other link of this account (in other tabs, or elsewhere in this page). */
  post(message: TabMessage): void;
  close(): void;
}

const KINDS = new Set(['logout', 'lock', 'passphrase-changed', 'changed']);

/** Another link's message, checked (any script of this origin can post on the channel). */
function parse(data: unknown): { from: string; message: TabMessage } | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { from, kind, vaultId } = data as { from?: unknown; kind?: unknown; vaultId?: unknown };
  if (typeof from !== 'string' || typeof kind !== 'string' || !KINDS.has(kind)) return undefined;
  if (kind === 'changed')
    return typeof vaultId === 'string' ? { from, message: { kind, vaultId } } : undefined;
  return { from, message: { kind } as TabMessage };
}

/**
 * Join the account's channel. Every link has its own id, so it never hears
 * what it posted itself but hears every other link, in this page too.
 *
 * @example
 * const link = linkTabs('alice', (m) => m.kind === 'lock' && lockHere());
 * link.post({ kind: 'logout' });
 */
export function linkTabs(username: string, listener: (message: TabMessage) => void): TabLink {
  if (typeof BroadcastChannel === 'undefined') return { post: () => {}, close: () => {} };
  const id = crypto.randomUUID();
  const channel = new BroadcastChannel(`coffer-tabs:${username}`);
  channel.onmessage = (event: MessageEvent) => {
    const parsed = parse(event.data);
    if (parsed && parsed.from !== id) listener(parsed.message);
  };
  return {
    post: (message) => channel.postMessage({ ...message, from: id }),
    close: () => channel.close(),
  };
}
