import { useEffect, useRef } from 'react';
import { Modal } from './modal.tsx';

export interface LeaveConfirmProps {
  /** What leaving would lose: a running file transfer, or a record being written. */
  reason: 'transfer' | 'draft';
  onLeave: () => void;
  onStay: () => void;
}

/**
 * Asked before leaving a vault while one of its files is uploading or
 * downloading, or while a record is being written: both belong to the vault
 * screen, and leaving it (or locking) cancels the transfer or drops the text.
 */
export function LeaveConfirm({ reason, onLeave, onStay }: LeaveConfirmProps) {
  const stay = useRef<HTMLButtonElement>(null);
  useEffect(() => stay.current?.focus(), []);
  const transfer = reason === 'transfer';
  return (
    <Modal
      title={transfer ? 'Cancel the file transfer?' : 'Discard unsaved changes?'}
      onClose={onStay}
    >
      <p>
        {transfer
          ? 'A file is still uploading or downloading. Leaving this vault cancels it; stay until the status bar no longer shows the transfer.'
          : 'The record you are writing has not been saved. Leaving this vault discards it.'}
      </p>
      <div className="row">
        <button ref={stay} type="button" className="primary" onClick={onStay}>
          Stay
        </button>
        <button type="button" className="danger" onClick={onLeave}>
          {transfer ? 'Leave and cancel' : 'Leave and discard'}
        </button>
      </div>
    </Modal>
  );
}
