import type { ConflictSide } from '../api/types.ts';

/** One version of a conflicted record, read-only, secrets included (the user is choosing). */
export function ConflictSideView({ side, label }: { side: ConflictSide; label: string }) {
  return (
    <section className="conflict__side" aria-label={label}>
      <h4>{label}</h4>
      <p className="muted">
        {side.deleted ? 'Deleted' : 'Edited'}
        {side.author ? ` by ${side.author}` : ''}
        {side.updatedAt > 0 ? ` · ${new Date(side.updatedAt).toLocaleString()}` : ''}
      </p>
      {side.deleted ? (
        <p className="muted">(no value: this version deletes the record)</p>
      ) : side.content?.kind === 'file' ? (
        <p>File attachment</p>
      ) : (
        <pre className="value">{side.content?.text ?? ''}</pre>
      )}
    </section>
  );
}
