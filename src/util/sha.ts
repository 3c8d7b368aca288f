/** A commit as people read it: the first 8 hex digits of its sha, everywhere berth prints one. */
export function shortSha(sha: string): string {
  return sha.slice(0, 8);
}
