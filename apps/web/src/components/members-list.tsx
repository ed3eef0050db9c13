import { useRef, useState } from 'react';
import type { MemberInfo, Role, StepProgress, VaultHandle } from '../api/types.ts';
import { describeError } from '../ui/plain-words.ts';
import { useFocusAfterBusy } from '../ui/use-focus-after-busy.ts';
import { FormMessages } from './form-messages.tsx';
import { MemberActions } from './member-actions.tsx';
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
  /**
   * A role picked but not applied yet: arrow keys on a closed select change its
   * value at once, so applying on change would re-role a member per key press.
   */
  const [drafts, setDrafts] = useState<ReadonlyMap<string, Exclude<Role, 'owner'>>>(new Map());
  /** The member whose Remove was pressed once (removal rotates the key: asked twice). */
  const [confirming, setConfirming] = useState<string | null>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // A role changed or a member removed: the buttons used were disabled (or are gone).
  useFocusAfterBusy(removing !== null, heading);

  function setDraft(accountId: string, role: Exclude<Role, 'owner'> | null) {
    setDrafts((old) => {
      const next = new Map(old);
      if (role === null) next.delete(accountId);
      else next.set(accountId, role);
      return next;
    });
  }

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
      setDraft(member.accountId, null);
      setRemoving(null);
    }
  }

  async function remove(member: MemberInfo) {
    setConfirming(null);
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
      <h3 id="members-heading" ref={heading} tabIndex={-1}>
        Members
      </h3>
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
                value={drafts.get(m.accountId) ?? m.role}
                disabled={removing !== null}
                onChange={(e) => {
                  const role = e.target.value as Exclude<Role, 'owner'>;
                  setDraft(m.accountId, role === m.role ? null : role);
                }}
              >
                <option value="reader">reader</option>
                <option value="writer">writer</option>
                <option value="admin">admin</option>
              </select>
            ) : (
              <span className="member__role">{m.role}</span>
            )}
            {canManage && m.username !== self && m.role !== 'owner' && (
              <MemberActions
                member={m}
                draft={drafts.get(m.accountId)}
                confirming={confirming === m.accountId}
                disabled={removing !== null}
                keep={keep}
                onApply={(role) => changeRole(m, role)}
                onUndoDraft={() => setDraft(m.accountId, null)}
                onRemove={() => {
                  setConfirming(m.accountId);
                  // The Remove button is replaced: focus the safe choice.
                  requestAnimationFrame(() => keep.current?.focus());
                }}
                onReallyRemove={() => remove(m)}
                onKeep={() => setConfirming(null)}
              />
            )}
          </li>
        ))}
      </ul>
      {progress && <ProgressLine progress={progress} label="Key rotation progress" />}
      <FormMessages notice={notice} error={error} />
    </section>
  );
}
