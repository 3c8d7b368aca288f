/**
 * Log lines with Secret values replaced, the one wrapper both `GET /api/v1/logs` and
 * `berth logs` put around a session's events: containers print what they were given, and a
 * Secret value must never leave berth (CONTRIBUTING: Secrets). The values come from the
 * desired state the pods were applied from (secretRedactor in src/secrets/redact.ts); only where
 * that state is found differs between the operator (its last look) and the CLI (the commit
 * the pods carry).
 */
import type { LogEvent } from './session';

export type Redact = (text: string) => string;

export function scrubbed(redact: Redact, onEvent: (e: LogEvent) => void): (e: LogEvent) => void {
  return (e) => onEvent(e.type === 'line' ? { ...e, line: { ...e.line, text: redact(e.line.text) } } : e);
}
