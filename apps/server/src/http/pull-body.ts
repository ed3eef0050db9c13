/**
 * The pull response written straight into one Buffer. Every value in it is
 * ASCII (hex ids, base64url armor, integers, fixed keys), so no JSON
 * escaping is needed and latin1 bytes are the UTF-8 bytes: no intermediate
 * wire objects, no JSON.stringify scan of megabytes of armor, and the socket
 * gets bytes instead of a string it would have to encode again. The output
 * is byte-identical to `JSON.stringify` of the `PullResponse` (tested).
 */
import type { Change } from '../storage/contract.ts';

const ARMOR_PREFIX = 'cfr1.';

function base64urlLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

/**
 * Encode a page of changes as the `PullResponse` JSON body.
 *
 * @example
 * reply.type('application/json').send(encodePullPage(page.changes, page.nextCursor, page.hasMore));
 */
export function encodePullPage(
  changes: ReadonlyArray<Change>,
  nextCursor: number,
  hasMore: boolean,
): Buffer {
  const heads: string[] = new Array(changes.length);
  const tails: string[] = new Array(changes.length);
  let size = 0;
  for (const [i, c] of changes.entries()) {
    const head = `${i === 0 ? '' : ','}{"seq":${c.seq},"recordId":"${c.recordId}","revision":${c.revision},"epoch":${c.epoch},"envelope":`;
    const tail =
      c.envelope === null
        ? `null,"deleted":true,"authorId":"${c.authorId}"}`
        : `","deleted":false,"authorId":"${c.authorId}"}`;
    heads[i] = head;
    tails[i] = tail;
    size += head.length + tail.length;
    if (c.envelope !== null) size += 1 + ARMOR_PREFIX.length + base64urlLength(c.envelope.length);
  }
  const open = '{"changes":[';
  const close = `],"nextCursor":${nextCursor},"hasMore":${hasMore}}`;
  const out = Buffer.allocUnsafe(open.length + size + close.length);
  let at = out.write(open, 0, 'latin1');
  for (const [i, c] of changes.entries()) {
    at += out.write(heads[i] as string, at, 'latin1');
    if (c.envelope !== null) {
      at += out.write(`"${ARMOR_PREFIX}`, at, 'latin1');
      const bytes = Buffer.from(c.envelope.buffer, c.envelope.byteOffset, c.envelope.byteLength);
      at += out.write(bytes.toString('base64url'), at, 'latin1');
    }
    at += out.write(tails[i] as string, at, 'latin1');
  }
  at += out.write(close, at, 'latin1');
  return at === out.length ? out : out.subarray(0, at);
}
