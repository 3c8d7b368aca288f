/**
 * Schema validation of manifest documents: the kind and apiVersion first, then the kind's
 * JSON Schema (ajv, compiled once per process), then the table of Kubernetes fields that
 * mean nothing on one Docker host. Every finding is a located Problem; a document with no
 * error among them is valid.
 */
import type { ManifestDoc, PathSegment } from '../manifests';
import { fieldPath, hasErrors, sortProblems, type Problem, type Severity } from '../util';
import { schemaSet } from './compile';
import { fieldNotices } from './ignored';
import { checkHeader } from './kinds';
import { inertWarning, isInertKind } from './inert';
import { nullsAsAbsent } from './nulls';
import { translateErrors, type SchemaIssue } from './translate';

export interface SchemaValidation {
  /**
   * The documents without error-severity problems, in input order; documents of inert
   * kinds (inert.ts) are checked but left out: nothing is built from them.
   */
  valid: ManifestDoc[];
  /** Errors and warnings, sorted by file, line and column. */
  problems: Problem[];
}

export function validateDocuments(docs: ManifestDoc[]): SchemaValidation {
  const valid: ManifestDoc[] = [];
  const problems: Problem[] = [];
  for (const written of docs) {
    const doc = { ...written, body: nullsAsAbsent(written.body) as Record<string, unknown> };
    const found = validateDocument(doc);
    problems.push(...found);
    if (!hasErrors(found) && !isInertKind(doc.body.kind)) valid.push(doc);
  }
  return { valid, problems: sortProblems(problems) };
}

/** Every problem of one document, in no particular order. */
export function validateDocument(doc: ManifestDoc): Problem[] {
  const header = checkHeader(doc.body);
  const problems = header.issues.map((i) => toProblem(doc, i, 'error'));
  if (!header.kind) return problems;
  const validate = schemaSet().validator(header.kind);
  if (!validate(doc.body)) {
    // kind and apiVersion were judged above, with better messages than a `const` gives
    const issues = translateErrors(validate.errors ?? [], doc.body, isSecretValue).filter((i) => !isHeaderField(i));
    problems.push(...issues.map((i) => toProblem(doc, i, 'error')));
  }
  if (isInertKind(header.kind)) {
    const code = header.kind === 'NetworkPolicy' ? 'kind.not-enforced' : 'kind.no-effect';
    problems.push(toProblem(doc, { path: ['kind'], at: { path: ['kind'], part: 'value' }, code, message: inertWarning(header.kind) }, 'warning'));
    return problems;
  }
  for (const n of fieldNotices(header.kind, doc.body)) {
    problems.push(toProblem(doc, { ...n, at: { path: n.path, part: 'key' } }, n.severity));
  }
  return problems;
}

/** A Secret's data is never quoted back in a message (see translate.ts). */
function isSecretValue(body: unknown, path: readonly PathSegment[]): boolean {
  const kind = (body as Record<string, unknown>).kind;
  return kind === 'Secret' && (path[0] === 'data' || path[0] === 'stringData');
}

function isHeaderField(issue: SchemaIssue): boolean {
  return issue.path.length === 1 && (issue.path[0] === 'apiVersion' || issue.path[0] === 'kind');
}

function toProblem(doc: ManifestDoc, issue: SchemaIssue, severity: Severity): Problem {
  const pos = doc.locate(issue.at.path, issue.at.part);
  return { severity, file: doc.file, line: pos.line, col: pos.col, path: fieldPath(issue.path), message: issue.message, code: issue.code };
}

export { API_VERSIONS } from './kinds';
export { FIELD_RULES, type FieldRule } from './ignored';
export type { SchemaIssue } from './translate';
export { schemasDir } from './compile';
