import type { InlineContent, RecordSummary } from '../api/types.ts';

/** What the record editor holds: the name, kind and value typed so far. */
export interface EditorValues {
  name: string;
  kind: InlineContent['kind'];
  text: string;
}

/**
 * Text typed in the record editor and not saved when the session ended under
 * it (ended by the server, or the idle lock). The app keeps it in this page's
 * memory only, never in storage, and puts it back in the editor after the
 * same user logs in again; someone else logging in, a logout or a reload
 * drops it.
 */
export interface KeptDraft {
  vaultId: string;
  values: EditorValues;
  /** Editing an existing record: that record, and the value it had when the edit began. */
  editing?: { record: RecordSummary; content: InlineContent };
}
