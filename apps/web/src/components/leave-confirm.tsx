import { useEffect, useRef } from 'react';
import { Modal } from './modal.tsx';

export interface LeaveConfirmProps {
  onLeave: () => void;
  onStay: () => void;
}

/**
 * Asked before leaving a vault while one of its files is uploading or
 * downloading: the transfer belongs to the vault screen, and leaving it
 * (or locking) cancels the transfer.
 */
export function LeaveConfirm({ onLeave, onStay }: LeaveConfirmProps) {
  const stay = useRef<HTMLButtonElement>(null);
  useEffect(() => stay.current?.focus(), []);
  return (
    <Modal title="Cancel the file transfer?" onClose={onStay}>
      <p>
        A file is still uploading or downloading. Leaving this vault cancels it; stay until the
        status bar no longer shows the transfer.
      </p>
      <div className="row">
        <button ref={stay} type="button" className="primary" onClick={onStay}>
          Stay
        </button>
        <button type="button" className="danger" onClick={onLeave}>
          Leave and cancel
        </button>
      </div>
    </Modal>
  );
}
