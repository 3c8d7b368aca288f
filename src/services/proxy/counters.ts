import { compareText } from '../../util';

/** Open connections per endpoint (`ip:port`), with a callback on every change. */
export class ConnectionCounters {
  private readonly open = new Map<string, number>();

  constructor(private readonly onChange: () => void = () => undefined) {}

  inc(endpoint: string): void {
    this.open.set(endpoint, (this.open.get(endpoint) ?? 0) + 1);
    this.onChange();
  }

  dec(endpoint: string): void {
    const n = (this.open.get(endpoint) ?? 0) - 1;
    if (n > 0) this.open.set(endpoint, n);
    else this.open.delete(endpoint);
    this.onChange();
  }

  get(endpoint: string): number {
    return this.open.get(endpoint) ?? 0;
  }

  /** Endpoints with open connections, sorted, as a plain object. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.open.entries()].sort(([a], [b]) => compareText(a, b)));
  }
}
