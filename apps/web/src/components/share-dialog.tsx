import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { MemberInfo, Role, UserKeyInfo, VaultHandle } from '../api/types.ts';
import { describeError } from '../ui/plain-words.ts';
import { useFocusAfterBusy } from '../ui/use-focus-after-busy.ts';
import { normalizeUsername, usernameProblem } from '../ui/username.ts';
import { FormMessages } from './form-messages.tsx';
import { MembersList } from './members-list.tsx';
import { Modal } from './modal.tsx';

export interface ShareDialogProps {
  vault: VaultHandle;
  self: string;
  onClose: () => void;
}

/**
 * Share a vault: look the user up, show their fingerprint to compare out of
 * band (a changed key is a loud warning that needs explicit acceptance),
 * choose a role; below, the members.
 */
export function ShareDialog({ vault, self, onClose }: ShareDialogProps) {
  const [username, setUsername] = useState('');
  const [found, setFound] = useState<UserKeyInfo | null>(null);
  const [role, setRole] = useState<Exclude<Role, 'owner'>>('writer');
  const [compared, setCompared] = useState(false);
  const [members, setMembers] = useState<ReadonlyArray<MemberInfo>>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const usernameField = useRef<HTMLInputElement>(null);
  const matchBox = useRef<HTMLInputElement>(null);
  // Look up or Share clicked and refused (no such user, offline): back to the name.
  useFocusAfterBusy(busy, usernameField);
  const canManage = vault.info.role === 'owner' || vault.info.role === 'admin';

  const loadMembers = useCallback(() => {
    vault.members().then(setMembers, (e: unknown) => setError(describeError(e)));
  }, [vault]);
  useEffect(loadMembers, []);
  // The dialog would focus its first control, the close button; the person came to type a name.
  useEffect(() => usernameField.current?.focus(), []);
  // Found: go to the comparison, which reads out the fingerprint. Left in the
  // name field, a screen reader heard nothing of it, and the keyboard had to
  // find its way past Look up.
  useEffect(() => {
    if (found) matchBox.current?.focus();
  }, [found]);

  async function lookup(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setNotice(null);
    setFound(null);
    setCompared(false);
    const name = normalizeUsername(username);
    const problem = usernameProblem(name);
    if (problem) {
      setError(problem);
      return;
    }
    setUsername(name);
    setBusy(true);
    try {
      setFound(await vault.lookupUser(name));
    } catch (caught) {
      setError(describeError(caught, 'user-lookup'));
    } finally {
      setBusy(false);
    }
  }

  async function share() {
    if (!found) return;
    setBusy(true);
    setError(null);
    try {
      await vault.share(found.username, role, found.fingerprint, found.pin === 'changed');
      setNotice(`${found.username} can now open this vault as ${role}.`);
      setFound(null);
      setUsername('');
      loadMembers();
      // The Share button just went away with the fingerprint check: focus must not fall to <body>.
      usernameField.current?.focus();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={`Share “${vault.info.name}”`} onClose={onClose}>
      {canManage && (
        <form className="stack" onSubmit={lookup}>
          <label>
            Username to share with
            <input
              ref={usernameField}
              name="share-username"
              required
              autoCapitalize="none"
              spellCheck={false}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </label>
          <button type="submit" disabled={busy}>
            Look up
          </button>
        </form>
      )}
      {found && (
        <div className="stack fingerprint-check" data-pin={found.pin}>
          {found.pin === 'changed' && (
            <p className="error" role="alert">
              Warning: {found.username}’s keys changed since you last shared with them. Someone may
              be impersonating them. Only continue if they confirm the new fingerprint.
            </p>
          )}
          <p id="fp-help">
            Ask {found.username} to read their fingerprint to you (they find it under Account), and
            compare it with this one:
          </p>
          <output className="fingerprint" aria-describedby="fp-help">
            {/* The span is what the checkbox's description reads (an <output> is left out of one). */}
            <span id="fp-value">{found.fingerprint}</span>
          </output>
          <label className="checkbox">
            <input
              ref={matchBox}
              type="checkbox"
              aria-describedby="fp-help fp-value"
              checked={compared}
              onChange={(e) => setCompared(e.target.checked)}
            />
            The fingerprints match
          </label>
          <label>
            Role
            <select
              name="role"
              value={role}
              onChange={(e) => setRole(e.target.value as Exclude<Role, 'owner'>)}
            >
              <option value="reader">Reader (can read)</option>
              <option value="writer">Writer (can read and write)</option>
              <option value="admin">Admin (can also share)</option>
            </select>
          </label>
          <button type="button" className="primary" disabled={!compared || busy} onClick={share}>
            Share as {role}
          </button>
        </div>
      )}
      <FormMessages notice={notice} error={error} />
      <MembersList
        vault={vault}
        members={members}
        self={self}
        canManage={canManage}
        onChanged={() => {
          // The list says what changed; an older "can now open as writer" would contradict it.
          setNotice(null);
          setError(null);
          loadMembers();
        }}
      />
    </Modal>
  );
}
