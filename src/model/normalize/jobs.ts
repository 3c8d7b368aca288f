/**
 * Jobs and CronJobs with Kubernetes' defaults (parallelism 1, backoffLimit 6, NonIndexed;
 * concurrencyPolicy Allow, history limits 3 and 1). A Job's pods run to completion, so its
 * template must say restartPolicy Never or OnFailure: Kubernetes refuses Always, and the
 * default (Always) with it.
 */
import type { PathSegment } from '../../manifests';
import type { DocProblems } from '../located';
import { bool, num, obj, str, strMap } from '../reader';
import type { CronJobResource, JobResource, JobSpec } from '../types';
import { normalizeMeta } from './meta';
import { normalizeTemplate } from './pod';
import { parseSchedule, timeZoneProblem } from '../schedule';
import { normalizeJobPolicies } from './jobPolicies';

function normalizeJobSpec(p: DocProblems, raw: unknown, path: readonly PathSegment[]): JobSpec {
  const spec = obj(raw);
  const templatePath = [...path, 'template'];
  const template = normalizeTemplate(p, spec.template, templatePath, false);
  const given = obj(obj(spec.template).spec).restartPolicy;
  if (given !== 'Never' && given !== 'OnFailure') {
    const shown = given === undefined ? 'is missing (Kubernetes defaults it to "Always")' : `"${String(given)}" is not allowed`;
    p.error(
      [...templatePath, 'spec', ...(given === undefined ? [] : ['restartPolicy'])],
      'job.restart-policy',
      `restartPolicy ${shown}: a Job's pods run to completion, so it must be "Never" or "OnFailure"`,
    );
  }
  const out: JobSpec = {
    parallelism: num(spec.parallelism) ?? 1,
    backoffLimit: num(spec.backoffLimit) ?? 6,
    completionMode: spec.completionMode === 'Indexed' ? 'Indexed' : 'NonIndexed',
    suspend: bool(spec.suspend) ?? false,
    template,
    templateHash: '',
  };
  const completions = num(spec.completions);
  // Kubernetes: neither given -> both 1; parallelism alone -> a work queue (completions unset).
  if (completions !== undefined) out.completions = completions;
  else if (spec.parallelism === undefined) out.completions = 1;
  if (out.completionMode === 'Indexed' && out.completions === undefined) {
    p.error([...path, 'completionMode'], 'job.indexed-completions', 'an Indexed Job needs spec.completions (Kubernetes refuses it without)');
  }
  const deadline = num(spec.activeDeadlineSeconds);
  if (deadline !== undefined) out.activeDeadlineSeconds = deadline;
  const ttl = num(spec.ttlSecondsAfterFinished);
  if (ttl !== undefined) out.ttlSecondsAfterFinished = ttl;
  normalizeJobPolicies(p, spec, path, out, given);
  return out;
}

export function normalizeJob(p: DocProblems): JobResource {
  return { kind: 'Job', meta: normalizeMeta(p.doc, 'Job'), ...normalizeJobSpec(p, p.doc.body.spec, ['spec']) };
}

export function normalizeCronJob(p: DocProblems): CronJobResource {
  const spec = obj(p.doc.body.spec);
  const jt = obj(spec.jobTemplate);
  const md = obj(jt.metadata);
  const policy = spec.concurrencyPolicy;
  const out: CronJobResource = {
    kind: 'CronJob',
    meta: normalizeMeta(p.doc, 'CronJob'),
    schedule: str(spec.schedule) ?? '',
    concurrencyPolicy: policy === 'Forbid' || policy === 'Replace' ? policy : 'Allow',
    suspend: bool(spec.suspend) ?? false,
    successfulJobsHistoryLimit: num(spec.successfulJobsHistoryLimit) ?? 3,
    failedJobsHistoryLimit: num(spec.failedJobsHistoryLimit) ?? 1,
    jobTemplate: { labels: strMap(md.labels), annotations: strMap(md.annotations), spec: normalizeJobSpec(p, jt.spec, ['spec', 'jobTemplate', 'spec']) },
  };
  const parsed = parseSchedule(out.schedule);
  if (!parsed.ok)
    p.error(
      ['spec', 'schedule'],
      'cronjob.schedule',
      `invalid value "${out.schedule}": ${parsed.problem} (five fields: minute hour day-of-month month day-of-week)`,
    );
  else if (parsed.schedule.seconds)
    p.warn(['spec', 'schedule'], 'cronjob.seconds', `"${out.schedule}" has a seconds field: a berth extension that Kubernetes refuses (it takes five fields)`);
  const tz = str(spec.timeZone);
  if (tz !== undefined) out.timeZone = tz;
  const tzProblem = tz !== undefined ? timeZoneProblem(tz) : undefined;
  if (tzProblem) p.error(['spec', 'timeZone'], 'cronjob.time-zone', tzProblem);
  const deadline = num(spec.startingDeadlineSeconds);
  if (deadline !== undefined) out.startingDeadlineSeconds = deadline;
  return out;
}
