import { useState } from 'react';
import type { MemberInfo, Role, StepProgress, VaultHandle } from '../api/types.ts';
import { describeError } from '../ui/plain-words.ts';
import { FormMessages } from './form-messages.tsx';
import { ProgressLine } from './progress-line.tsx';

export interface MembersListProps {
  vault: VaultHandle;
  members: ReadonlyArray<MemberInfo>;
  self: string;
  canManage: boolean;
  onChanged: () => void;
}

/** Members with roles (managers change them here); removing one rotates the vault key, with visible progress. */
export function MembersList({ vault, members, self, canManage, onChanged }: MembersListProps) {
  const [removing, setRemoving] = useState<string | null>(null);
  const [progress, setProgress] = useState<StepProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function changeRole(member: MemberInfo, role: Exclude<Role, 'owner'>) {
    setError(null);
    setNotice(null);
    setRemoving(member.accountId);
    try {
      await vault.changeRole(member.accountId, role);
      setNotice(`${member.username} is now ${role}.`);
      onChanged();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setRemoving(null);
    }
  }

  async function remove(member: MemberInfo) {
    setRemoving(member.accountId);
    setError(null);
    setNotice(null);
    setProgress({ step: `Removing ${member.username}…` });
    try {
      await vault.removeMember(member.accountId, setProgress);
      setNotice(`${member.username} was removed; the vault key was rotated.`);
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
            {canManage && m.username !== self && m.role !== 'owner' ? (
              <select
                className="member__role-select"
                aria-label={`Role of ${m.username}`}
                value={m.role}
                disabled={removing !== null}
                onChange={(e) => changeRole(m, e.target.value as Exclude<Role, 'owner'>)}
              >
                <option value="reader">reader</option>
                <option value="writer">writer</option>
                <option value="admin">admin</option>
              </select>
            ) : (
              <span className="member__role">{m.role}</span>
            )}
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
      <FormMessages notice={notice} error={error} />
    </section>
  );
}
