import { useEffect, useRef } from 'react';
import { Modal } from './modal.tsx';

export interface DiscardConfirmProps {
  onDiscard: () => void;
  onKeep: () => void;
}

/** Asked before something replaces a record editor that holds unsaved text. */
export function DiscardConfirm({ onDiscard, onKeep }: DiscardConfirmProps) {
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  return (
    <Modal title="Discard unsaved changes?" onClose={onKeep}>
      <p>The record you are writing has not been saved.</p>
      <div className="row">
        <button ref={keep} type="button" className="primary" onClick={onKeep}>
          Keep writing
        </button>
        <button type="button" className="danger" onClick={onDiscard}>
          Discard
        </button>
      </div>
    </Modal>
  );
}
