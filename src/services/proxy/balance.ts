/**
 * Choosing an endpoint for a new connection: round robin, and when the chosen endpoint
 * refuses, the next one, until one accepts or every endpoint has been tried once.
 * The order is pure; trying is generic over the connect function, so both are unit-tested
 * without sockets.
 */

/** Round-robin cursor over a list that can change between picks. */
export class RoundRobin {
  private cursor = 0;

  /** Every item once, starting at the next in turn; advances the turn by one. */
  order<T>(items: readonly T[]): T[] {
    if (items.length === 0) return [];
    const start = this.cursor % items.length;
    this.cursor = (start + 1) % items.length;
    return rotation(items, start);
  }
}

/** `items` starting at `start`, wrapping around. */
export function rotation<T>(items: readonly T[], start: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const s = ((start % n) + n) % n;
  return [...items.slice(s), ...items.slice(0, s)];
}

export type Attempt<C> = { ok: true; conn: C } | { ok: false; error: string };

export type FirstOutcome<T, C> =
  { ok: true; endpoint: T; conn: C; refused: { endpoint: T; error: string }[] } | { ok: false; refused: { endpoint: T; error: string }[] };

/**
 * Try `candidates` in order with `connect`; the first that accepts wins. `stillWanted` is
 * asked before each try so a client that went away stops the search.
 */
export async function connectFirst<T, C>(
  candidates: readonly T[],
  connect: (endpoint: T) => Promise<Attempt<C>>,
  stillWanted: () => boolean = () => true,
): Promise<FirstOutcome<T, C>> {
  const refused: { endpoint: T; error: string }[] = [];
  for (const endpoint of candidates) {
    if (!stillWanted()) break;
    const a = await connect(endpoint);
    if (a.ok) return { ok: true, endpoint, conn: a.conn, refused };
    refused.push({ endpoint, error: a.error });
  }
  return { ok: false, refused };
}
