/**
 * A request whose answer is read whole as text, without WHATWG streams: on
 * Node, undici's `request` costs about half of what `fetch` does per pull
 * page (the body's stream machinery, copies, promise chains), which is a
 * visible share of an initial sync's CPU per record. It goes through the same
 * pinned dispatcher as the client's fetch (`node-tls.ts`), so it trusts
 * exactly what the fetch trusts.
 */

/** What {@link TextRequest} answers. */
export interface TextAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /**
   * The body as bytes, instead of `text` (then empty), when the answer is a
   * binary pull page (`PULL_PAGE_BINARY_TYPE`). Only requests marked
   * `readsBytes` set it, and only those are sent asking for binary pages.
   */
  bytes?: Uint8Array;
}

/** A GET answered as text (network failures reject, HTTP errors do not). */
export type TextRequest = ((
  url: string,
  init: { method: 'GET'; headers: Record<string, string>; signal?: AbortSignal },
) => Promise<TextAnswer>) & {
  /** This request hands binary pull pages back as `bytes`. */
  readonly readsBytes?: boolean;
};

/**
 * A {@link TextAnswer} as a fetch `Response` (the error path's problem parser reads those).
 *
 * @example
 * const response = answerToResponse(await request(url, init));
 */
export function answerToResponse(answer: TextAnswer): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  // A null-body status cannot carry a body in a Response.
  const body = [204, 205, 304].includes(answer.status) ? null : answer.text;
  return new Response(body, { status: answer.status, headers });
}
