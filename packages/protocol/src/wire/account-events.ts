/**
 * The account's live stream, `GET /v1/account/events`: server-sent events
 * telling every device of a signed-in account "your vault memberships
 * changed: list your vaults again". An event carries no secret and nothing
 * about any other account; it is a prompt to refresh, never data.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema.ts';

/** Path of the account's live stream. */
export const ACCOUNT_EVENTS_PATH = '/v1/account/events';

/** SSE event name of "your vault list changed" on the account stream. */
export const VAULTS_CHANGED_EVENT = 'vaults';

/**
 * Name under which `GET /v1/meta?features=1` lists the account stream in
 * `features` (a server without it lists nothing, or answers no `features`).
 */
export const ACCOUNT_EVENTS_FEATURE = 'account-events';

/**
 * Data of a `vaults` event. `connected`: sent first on every (re)connection,
 * so a device that missed events while away refreshes; `changed`: this
 * account was given access to a vault, removed from one, got a new role, or
 * a vault of it was created or deleted.
 */
export const VaultsChangedEvent = lazySchema(() =>
  z.strictObject({ reason: z.enum(['connected', 'changed']) }).meta({ id: 'VaultsChangedEvent' }),
);
export type VaultsChangedEvent = z.infer<typeof VaultsChangedEvent>;

/**
 * Format one `vaults` event as the server writes it on the stream.
 *
 * @example
 * formatVaultsChangedEvent('changed'); // 'event: vaults\ndata: {"reason":"changed"}\n\n'
 */
export function formatVaultsChangedEvent(reason: VaultsChangedEvent['reason']): string {
  return `event: ${VAULTS_CHANGED_EVENT}\ndata: ${JSON.stringify({ reason })}\n\n`;
}
