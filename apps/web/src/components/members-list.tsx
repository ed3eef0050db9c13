import { useState } from 'react';
import type { MemberInfo, StepProgress, VaultHandle } from '../api/types.ts';
import { describeError } from '../ui/plain-words.ts';
import { ProgressLine } from './progress-line.tsx';

export interface MembersListProps {
  vault: VaultHandle;
  members: ReadonlyArray<MemberInfo>;
  self: string;
  canManage: boolean;
  onChanged: () => void;
}

/** Members with roles; removing one rotates the vault key, with visible progress. */
export function MembersList({ vault, members, self, canManage, onChanged }: MembersListProps) {
  const [removing, setRemoving] = useState<string | null>(null);
  const [progress, setProgress] = useState<StepProgress | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function remove(member: MemberInfo) {
    setRemoving(member.accountId);
    setError(null);
    setProgress({ step: `Removing ${member.username}…` });
    try {
      await vault.removeMember(member.accountId, setProgress);
      onChanged();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setRemoving(null);
      setProgress(null);
    }
  }

  return (
    <section aria-labelledby="members-heading" className="stack">
      <h3 id="members-heading">Members</h3>
      <ul className="members">
        {members.map((m) => (
          <li key={m.accountId} className="member">
            <span className="member__name">
              {m.username}
              {m.username === self ? ' (you)' : ''}
            </span>
            <span className="member__role">{m.role}</span>
            {canManage && m.username !== self && m.role !== 'owner' && (
              <button
                type="button"
                className="danger"
                disabled={removing !== null}
                onClick={() => remove(m)}
                aria-label={`Remove ${m.username}`}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {progress && <ProgressLine progress={progress} label="Key rotation progress" />}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
