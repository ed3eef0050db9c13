/**
 * A minimal text/event-stream reader over a fetch body. EventSource cannot
 * send headers (Authorization, Coffer-Protocol), so the SDK reads the stream
 * itself; the same code works in Node and browsers.
 */

/** One server-sent event. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Parse an SSE byte stream into events (per the WHATWG rules that matter
 * here: `event:`, `data:` lines joined with `\n`, `id:`, comments ignored).
 *
 * @example
 * for await (const e of readServerSentEvents(response.body)) console.log(e.event, e.data);
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline = buffer.search(/\r\n|\r|\n/);
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) {
            const out: ServerSentEvent = { event: event || 'message', data: data.join('\n') };
            if (id !== undefined) out.id = id;
            yield out;
          }
          event = '';
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
          else if (field === 'id') id = value;
        }
        newline = buffer.search(/\r\n|\r|\n/);
      }
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => {});
  }
}
