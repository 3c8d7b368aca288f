/**
 * Code-unit order, the same on every machine whatever its locale (Go's sort.Strings, which
 * kubectl's output follows, orders bytes). Not `localeCompare`: its first call loads ICU's
 * collation data, about 4 MB that stayed in the operator's RSS only to sort names.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
