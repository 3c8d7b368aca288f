/**
 * Schema validation of manifest documents: the kind and apiVersion first, then the kind's
 * JSON Schema (ajv, compiled once per process), then the table of Kubernetes fields that
 * mean nothing on one Docker host. Every finding is a located Problem; a document with no
 * error among them is valid.
 */
import type { ErrorObject } from 'ajv';
import type { ManifestDoc } from '../manifests/types';
import { fieldPath, hasErrors, sortProblems, type Problem, type Severity } from '../util/problems';
import { schemaSet } from './compile';
import { fieldNotices } from './ignored';
import { checkHeader } from './kinds';
import { translateErrors, type SchemaIssue } from './translate';

export interface SchemaValidation {
  /** The documents without error-severity problems, in input order. */
  valid: ManifestDoc[];
  /** Errors and warnings, sorted by file, line and column. */
  problems: Problem[];
}

export function validateDocuments(docs: ManifestDoc[]): SchemaValidation {
  const valid: ManifestDoc[] = [];
  const problems: Problem[] = [];
  for (const doc of docs) {
    const found = validateDocument(doc);
    problems.push(...found);
    if (!hasErrors(found)) valid.push(doc);
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
    const errors = header.kind === 'Secret' ? withoutSecretValues(validate.errors ?? []) : (validate.errors ?? []);
    const issues = translateErrors(errors, doc.body).filter((i) => !isHeaderField(i));
    problems.push(...issues.map((i) => toProblem(doc, i, 'error')));
  }
  for (const n of fieldNotices(header.kind, doc.body)) {
    problems.push(toProblem(doc, { ...n, at: { path: n.path, part: 'key' } }, n.severity));
  }
  return problems;
}

/** A Secret's values never reach a message ("quote it: ...", "did you mean ..."): the error forgets them. */
function withoutSecretValues(errors: readonly ErrorObject[]): ErrorObject[] {
  return errors.map((e) => (/^\/(data|stringData)(\/|$)/.test(e.instancePath) ? { ...e, data: undefined } : e));
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
