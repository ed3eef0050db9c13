import { afterEach, expect, test, vi } from 'vitest';
import { useIdleLock } from '../src/ui/use-idle-lock.ts';
import { cleanup, render } from './render.tsx';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function Probe({ onIdle, busy }: { onIdle: () => void; busy: () => boolean }) {
  // One "minute" of 1 s: the lock is due 1 s after the last input.
  useIdleLock(1, onIdle, 1_000, busy);
  return null;
}

test('a running transfer keeps the idle lock away (locking would abort it); it locks once the transfer ends', () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
  let transferring = true;
  let idled = 0;
  render(<Probe onIdle={() => idled++} busy={() => transferring} />);
  vi.advanceTimersByTime(10_000);
  expect(idled).toBe(0);
  transferring = false;
  vi.advanceTimersByTime(2_000);
  expect(idled).toBeGreaterThan(0);
});

test('without a transfer the lock comes after the idle delay', () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
  let idled = 0;
  render(<Probe onIdle={() => idled++} busy={() => false} />);
  vi.advanceTimersByTime(500);
  expect(idled).toBe(0);
  vi.advanceTimersByTime(1_000);
  expect(idled).toBeGreaterThan(0);
});
