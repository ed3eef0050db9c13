/**
 * The idle auto-lock delay. A preference, not a secret, so localStorage is
 * fine for it (keys and plaintext never go there).
 */
const KEY = 'coffer.idleLockMinutes';
export const IDLE_CHOICES = [1, 5, 15, 30, 60, 0] as const;
export const DEFAULT_IDLE_MINUTES = 15;

/** Minutes of inactivity before locking; 0 = never. */
export function loadIdleMinutes(): number {
  try {
    const stored = Number(localStorage.getItem(KEY));
    return (IDLE_CHOICES as readonly number[]).includes(stored) &&
      localStorage.getItem(KEY) !== null
      ? stored
      : DEFAULT_IDLE_MINUTES;
  } catch {
    return DEFAULT_IDLE_MINUTES;
  }
}

export function saveIdleMinutes(minutes: number): void {
  try {
    localStorage.setItem(KEY, String(minutes));
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
}
