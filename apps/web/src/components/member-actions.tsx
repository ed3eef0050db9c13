import type { RefObject } from 'react';
import type { MemberInfo, Role } from '../api/types.ts';

export interface MemberActionsProps {
  member: MemberInfo;
  /** A role picked in the select and not applied yet. */
  draft: Exclude<Role, 'owner'> | undefined;
  /** Remove was pressed once: ask again before rotating the key. */
  confirming: boolean;
  disabled: boolean;
  keep: RefObject<HTMLButtonElement | null>;
  onApply: (role: Exclude<Role, 'owner'>) => void;
  onUndoDraft: () => void;
  onRemove: () => void;
  onReallyRemove: () => void;
  onKeep: () => void;
}

/**
 * A member's buttons beside the role select: apply a picked role, or remove
 * them in two steps. Accessible names start with the visible words (so
 * speech input finds them) and then say whom they are about.
 */
export function MemberActions({
  member,
  draft,
  confirming,
  disabled,
  keep,
  onApply,
  onUndoDraft,
  onRemove,
  onReallyRemove,
  onKeep,
}: MemberActionsProps) {
  const who = member.username;
  if (draft !== undefined) {
    return (
      <>
        <button
          type="button"
          className="primary"
          disabled={disabled}
          onClick={() => onApply(draft)}
          aria-label={`Change role of ${who} to ${draft}`}
        >
          Change role
        </button>
        <button
          type="button"
          disabled={disabled}
          onClick={onUndoDraft}
          aria-label={`Keep ${who} ${member.role}`}
        >
          Keep
        </button>
      </>
    );
  }
  if (confirming) {
    return (
      <>
        <button
          type="button"
          className="danger"
          disabled={disabled}
          onClick={onReallyRemove}
          aria-label={`Really remove ${who}`}
        >
          Really remove
        </button>
        <button
          ref={keep}
          type="button"
          disabled={disabled}
          onClick={onKeep}
          aria-label={`Keep ${who}`}
        >
          Keep
        </button>
      </>
    );
  }
  return (
    <button
      type="button"
      className="danger"
      disabled={disabled}
      onClick={onRemove}
      aria-label={`Remove ${who}`}
    >
      Remove
    </button>
  );
}
