/** `kind` and `apiVersion`: checked before the schema, since the kind picks the schema. */
import { KINDS, type Kind } from '../model';
import { didYouMean } from './hints';
import { INERT_KINDS, INERT_KIND_NAMES, isInertKind, type InertKind } from './inert';
import type { SchemaIssue } from './translate';

/** The one apiVersion that serves each kind. */
export const API_VERSIONS: Readonly<Record<Kind, string>> = {
  Namespace: 'v1',
  Pod: 'v1',
  Service: 'v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  PersistentVolumeClaim: 'v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  DaemonSet: 'apps/v1',
  Ingress: 'networking.k8s.io/v1',
  IngressClass: 'networking.k8s.io/v1',
};

const SUPPORTED = `berth supports ${KINDS.join(', ')}`;

/** A kind that has a schema: one berth runs, or one it accepts without effect (inert.ts). */
export type SchemaKind = Kind | InertKind;

export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

/** The kind of a document (when it names a supported one) and what is wrong with its header. */
export function checkHeader(body: unknown): { kind?: SchemaKind; issues: SchemaIssue[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const issue = valueIssue([], 'schema.type', 'must be a mapping of fields (apiVersion, kind, metadata, ...)');
    return { issues: [issue] };
  }
  const { kind, apiVersion } = body as Record<string, unknown>;
  if (kind === undefined) return { issues: [missing('kind', `is required (${SUPPORTED})`)] };
  if (!isKind(kind) && !isInertKind(kind)) return { issues: [unknownKind(kind)] };
  const served = isKind(kind) ? [API_VERSIONS[kind]] : INERT_KINDS[kind].apiVersions;
  const want = served.join(' or ');
  if (apiVersion === undefined) return { kind, issues: [missing('apiVersion', `is required (use ${want} for ${kind})`)] };
  if (typeof apiVersion !== 'string' || !served.includes(apiVersion)) {
    const shown = typeof apiVersion === 'string' ? `"${apiVersion}"` : JSON.stringify(apiVersion);
    const issue = valueIssue(['apiVersion'], 'schema.api-version', `apiVersion ${shown} does not serve kind ${kind} (use ${want})`);
    return { kind, issues: [issue] };
  }
  return { kind, issues: [] };
}

function unknownKind(kind: unknown): SchemaIssue {
  if (typeof kind !== 'string') return valueIssue(['kind'], 'schema.type', `must be a string (${SUPPORTED})`);
  return valueIssue(['kind'], 'schema.kind', `unknown kind "${kind}"${didYouMean(kind, [...KINDS, ...INERT_KIND_NAMES])}: ${SUPPORTED}`);
}

function missing(field: string, message: string): SchemaIssue {
  return { path: [field], at: { path: [], part: 'key' }, code: 'schema.required', message };
}

function valueIssue(path: string[], code: string, message: string): SchemaIssue {
  return { path, at: { path, part: 'value' }, code, message };
}
