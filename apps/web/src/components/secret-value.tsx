import { useEffect, useState } from 'react';

/** Clear the clipboard copy after this long, if it still holds the secret. */
const CLIPBOARD_CLEAR_MS = 30_000;

/**
 * What a hidden secret shows, whatever its value: a mask as long as the
 * value would tell anyone looking at the screen how long the secret is.
 */
export const SECRET_MASK = '•'.repeat(12);

/**
 * A secret shown as dots until the user reveals it; copy puts it on the
 * clipboard without revealing it. The reveal resets when the record changes.
 */
export function SecretValue({ value, recordId }: { value: string; recordId: string }) {
  const [revealed, setRevealed] = useState(false);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  // Reset on record change.
  useEffect(() => {
    setRevealed(false);
    setCopied(null);
  }, [recordId]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
      setTimeout(() => {
        navigator.clipboard
          .readText()
          .then((now) => (now === value ? navigator.clipboard.writeText('') : undefined))
          .catch(() => undefined);
      }, CLIPBOARD_CLEAR_MS);
    } catch {
      setCopied('failed');
    }
  }

  return (
    <div className="secret">
      <output
        className="secret__value"
        aria-label={revealed ? 'Secret value' : 'Secret value, hidden'}
      >
        {revealed ? value : SECRET_MASK}
      </output>
      <div className="row">
        <button type="button" onClick={() => setRevealed(!revealed)} aria-pressed={revealed}>
          {revealed ? 'Hide' : 'Reveal'}
        </button>
        <button type="button" onClick={copy}>
          Copy
        </button>
        <span role="status" aria-live="polite">
          {copied === 'yes'
            ? 'Copied'
            : copied === 'failed'
              ? 'Copy failed: the browser refused'
              : ''}
        </span>
      </div>
    </div>
  );
}
