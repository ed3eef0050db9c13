/** Cold start of `coffer get` on a warm replica (needs the built server); filled in with the account commands. */
export async function coldStartGet(
  _bin: string,
  _dir: string,
  _runs: number,
): Promise<number[] | undefined> {
  return undefined;
}
