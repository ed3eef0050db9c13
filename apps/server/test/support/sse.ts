/** A tiny server-sent-events reader for tests: wait for events, see the stream end. */
import { request } from 'undici';
import type { Api } from './api.ts';

export interface SseEvent {
  event: string;
  data: string;
}

export interface EventStream {
  status: number;
  /** Resolves with the first event (already received or future) matching `match`. */
  waitFor(match: (e: SseEvent) => boolean): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openEvents(api: Api, path: string): Promise<EventStream> {
  const controller = new AbortController();
  const res = await request(`${api.baseUrl}${path}`, {
    method: 'GET',
    dispatcher: api.dispatcher,
    signal: controller.signal,
    headers: {
      'coffer-protocol': '1',
      'coffer-client': 'coffer-server-tests/0.0.0',
      accept: 'text/event-stream',
      ...(api.token ? { authorization: `Bearer ${api.token}` } : {}),
    },
  });
  const events: SseEvent[] = [];
  const waiters: Array<{ match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }> = [];
  let buffer = '';
  const ended = (async () => {
    try {
      for await (const chunk of res.body) {
        buffer += String(chunk);
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          const event = { event: 'message', data: '' };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event.event = line.slice(7);
            if (line.startsWith('data: ')) {
              event.data = line.slice(6);
              hasData = true;
            }
          }
          if (!hasData) continue;
          events.push(event);
          for (const w of [...waiters]) {
            if (w.match(event)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(event);
            }
          }
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    status: res.statusCode,
    waitFor(match) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    ended,
    close: () => controller.abort(),
  };
}

/** Match an `seq` event with at least `seq`. */
export const seqAtLeast =
  (seq: number) =>
  (e: SseEvent): boolean =>
    e.event === 'seq' && (JSON.parse(e.data) as { seq: number }).seq >= seq;
