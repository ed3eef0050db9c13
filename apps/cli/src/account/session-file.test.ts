import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tooling/test-temp.ts';
import {
  countSessions,
  createSession,
  deleteSession,
  MAX_SESSIONS,
  openSession,
} from './session-file.ts';

const SECRET = new TextEncoder().encode('sealed account state');

describe('unlock sessions', () => {
  it('each unlock is its own session; the newest MAX_SESSIONS live; lock ends them all', async () => {
    const home = await tempDir('coffer-sessions-');
    const tokens: string[] = [];
    for (let i = 0; i <= MAX_SESSIONS; i++) tokens.push(await createSession(home, SECRET));
    // The oldest was ended by the (MAX_SESSIONS + 1)th unlock; every newer one still opens.
    await expect(openSession(home, tokens[0]!)).rejects.toMatchObject({ code: 'session_invalid' });
    for (const t of tokens.slice(1)) expect(await openSession(home, t)).toEqual(SECRET);
    expect(await countSessions(home)).toBe(MAX_SESSIONS);
    for (const f of await readdir(join(home, 'sessions')))
      expect((await stat(join(home, 'sessions', f))).mode & 0o077).toBe(0);
    expect(await deleteSession(home)).toBe(true);
    await expect(openSession(home, tokens.at(-1)!)).rejects.toMatchObject({ code: 'locked' });
    expect(await countSessions(home)).toBe(0);
  });
});
