import { useEffect, useRef } from 'react';
import { Modal } from './modal.tsx';

export interface LogoutConfirmProps {
  /** Changes of this account not yet acknowledged by the server. */
  pending: number;
  onLogout: () => void;
  onStay: () => void;
}

/**
 * Asked before logging out with changes that have not reached the server:
 * they stay in this browser's outbox and go out only at the next login here,
 * which may never come (a shared or borrowed computer).
 */
export function LogoutConfirm({ pending, onLogout, onStay }: LogoutConfirmProps) {
  const stay = useRef<HTMLButtonElement>(null);
  useEffect(() => stay.current?.focus(), []);
  const changes = pending === 1 ? '1 change has' : `${pending} changes have`;
  return (
    <Modal title="Log out with unsent changes?" onClose={onStay}>
      <p>
        {changes} not reached the server yet. Logging out keeps {pending === 1 ? 'it' : 'them'} in
        this browser, and {pending === 1 ? 'it is' : 'they are'} sent only the next time you log in
        here. To send {pending === 1 ? 'it' : 'them'} now, stay logged in until the status bar says
        “All changes saved to the server”.
      </p>
      <div className="row">
        <button ref={stay} type="button" className="primary" onClick={onStay}>
          Stay logged in
        </button>
        <button type="button" className="danger" onClick={onLogout}>
          Log out anyway
        </button>
      </div>
    </Modal>
  );
}
