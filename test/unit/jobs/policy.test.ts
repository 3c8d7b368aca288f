/**
 * podFailurePolicy, successPolicy and backoffLimitPerIndex, as Kubernetes' job controller
 * applies them, on pods as the engine shows them; and the validation Kubernetes does.
 */
import { strict as assert } from 'node:assert';
import { jobStatus } from '../../../src/jobs/status';
import { failureAction, successMet } from '../../../src/jobs/policy';
import { parseIndexes } from '../../../src/model/normalize/jobPolicies';
import type { JobResource } from '../../../src/model/types';
import type { ObservedPod } from '../../../src/observe/types';
import { LABEL } from '../../../src/runtime/types';
import { docsFromYaml } from '../schema/helpers';
import { validateDocuments } from '../../../src/schema';
import { buildDesiredState } from '../../../src/model';
import { formatProblem } from '../../../src/util/problems';

const HASH = 'abc123';

function job(over: Partial<JobResource> = {}): JobResource {
  return {
    kind: 'Job',
    meta: { name: 'j', namespace: 'default', labels: {}, annotations: {}, source: { file: 'j.yaml', line: 1, col: 1 } },
    completions: 4,
    parallelism: 2,
    backoffLimit: 6,
    completionMode: 'NonIndexed',
    suspend: false,
    template: {
      labels: {},
      annotations: {},
      spec: { containers: [], initContainers: [], volumes: [], restartPolicy: 'Never', terminationGracePeriodSeconds: 30, hostNetwork: false, hostPID: false },
    },
    templateHash: HASH,
    ...over,
  };
}

/** A pod whose container `main` is in `state` (`exited:N` for an exit code); `index` for Indexed Jobs. */
function pod(name: string, state: string, index?: number): ObservedPod {
  const [s, code] = state.split(':') as ['running' | 'exited', string?];
  const status = s === 'exited' ? `Exited (${code}) 1 second ago` : 'Up 1 second';
  return {
    namespace: 'default',
    name,
    kind: 'Job',
    owner: 'j',
    specHash: HASH,
    revision: 'r',
    ...(index !== undefined ? { ordinal: index } : {}),
    containers: [{ id: name, name, image: 'i', labels: { [LABEL.container]: 'main' }, state: s, status, createdAt: 100, networks: {} }],
  };
}

const failJob42 = { action: 'FailJob' as const, onExitCodes: { containerName: 'main', operator: 'In' as const, values: [42] } };
const ignoreDisruption = { action: 'Ignore' as const, onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] };

describe('jobs: podFailurePolicy', () => {
  it('first matching rule wins; no match counts; exit code 0 never matches; NotIn matches other codes', () => {
    const rules = [failJob42, { action: 'Ignore' as const, onExitCodes: { operator: 'NotIn' as const, values: [1, 42] } }];
    assert.equal(failureAction(rules, [{ name: 'main', exitCode: 42 }]), 'FailJob');
    assert.equal(failureAction(rules, [{ name: 'main', exitCode: 3 }]), 'Ignore');
    assert.equal(failureAction(rules, [{ name: 'main', exitCode: 1 }]), 'Count');
    assert.equal(failureAction([{ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [1] } }], [{ name: 'main', exitCode: 0 }]), 'Count');
    assert.equal(failureAction([failJob42], [{ name: 'sidecar', exitCode: 42 }]), 'Count');
  });

  it('onPodConditions never matches: no berth pod carries a DisruptionTarget or ConfigIssue condition', () => {
    assert.equal(failureAction([ignoreDisruption], [{ name: 'main', exitCode: 1 }]), 'Count');
  });

  it('a pod exiting 42 fails the Job at once (PodFailurePolicy), before backoffLimit', () => {
    const s = jobStatus(job({ podFailurePolicy: [failJob42, ignoreDisruption] }), [pod('a', 'exited:42'), pod('b', 'running')], undefined, 200_000);
    assert.deepEqual([s.phase, s.reason, s.keep, s.failed], ['Failed', 'PodFailurePolicy', ['a'], 1]);
  });

  it('an ignored failure counts toward nothing and is replaced at once (no backoff)', () => {
    const j = job({ backoffLimit: 0, podFailurePolicy: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [7] } }] });
    const s = jobStatus(j, [pod('a', 'exited:7'), pod('b', 'running')], undefined, 100_500);
    assert.deepEqual([s.phase, s.failed, s.create, s.keep], ['Running', 0, 1, ['a', 'b']]);
    assert.deepEqual([jobStatus(j, [pod('a', 'exited:1')], undefined, 200_000).reason], ['BackoffLimitExceeded']);
  });
});

describe('jobs: backoffLimitPerIndex', () => {
  const indexed = (over: Partial<JobResource>) => job({ completionMode: 'Indexed', backoffLimit: 2147483647, backoffLimitPerIndex: 1, ...over });

  it('an index that failed more than backoffLimitPerIndex times is not retried; the others go on', () => {
    const s = jobStatus(indexed({}), [pod('a', 'exited:1', 0), pod('b', 'exited:1', 0), pod('c', 'exited:0', 1)], undefined, 10_000_000);
    assert.deepEqual([s.phase, s.indexes?.create], ['Running', [2, 3]]);
  });

  it('a FailIndex rule fails the index at its first failure', () => {
    const j = indexed({ podFailurePolicy: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [42] } }] });
    const s = jobStatus(j, [pod('a', 'exited:42', 0)], undefined, 10_000_000);
    assert.deepEqual(s.indexes?.create, [1, 2]);
  });

  it('every index settled with some failed: Failed, FailedIndexes', () => {
    const j = indexed({ completions: 2 });
    const s = jobStatus(j, [pod('a', 'exited:1', 0), pod('b', 'exited:1', 0), pod('c', 'exited:0', 1)], undefined, 10_000_000);
    assert.deepEqual([s.phase, s.reason], ['Failed', 'FailedIndexes']);
  });

  it('more failed indexes than maxFailedIndexes: Failed at once', () => {
    const j = indexed({ backoffLimitPerIndex: 0, maxFailedIndexes: 1 });
    const s = jobStatus(j, [pod('a', 'exited:1', 0), pod('b', 'exited:1', 1), pod('c', 'running', 2)], undefined, 10_000_000);
    assert.deepEqual([s.phase, s.reason, s.keep], ['Failed', 'MaxFailedIndexesExceeded', ['a', 'b']]);
  });

  it('a failing index waits out its own backoff, not the other indexes', () => {
    const s = jobStatus(indexed({ backoffLimitPerIndex: 3 }), [pod('a', 'exited:1', 0)], undefined, 100_500);
    assert.deepEqual([s.indexes?.create, s.wakeAt !== undefined], [[1, 2], true]);
  });
});

describe('jobs: successPolicy', () => {
  it('succeededIndexes with succeededCount, or alone, or a count of all indexes', () => {
    assert.equal(successMet([{ succeededIndexes: [0, 2, 3], succeededCount: 1 }], new Set([2])), true);
    assert.equal(successMet([{ succeededIndexes: [0, 2, 3], succeededCount: 1 }], new Set([1])), false);
    assert.equal(successMet([{ succeededIndexes: [0, 1] }], new Set([0])), false);
    assert.equal(successMet([{ succeededCount: 2 }], new Set([0, 5])), true);
  });

  it('met: Complete (SuccessPolicy) and the pods still running are removed', () => {
    const j = job({ completionMode: 'Indexed', completions: 10, parallelism: 10, successPolicy: [{ succeededIndexes: [0, 1, 2], succeededCount: 1 }] });
    const s = jobStatus(j, [pod('a', 'exited:0', 1), pod('b', 'running', 5)], undefined, 200_000);
    assert.deepEqual([s.phase, s.reason, s.keep], ['Complete', 'SuccessPolicy', ['a']]);
  });

  it('"0,2-3" is indexes 0, 2, 3; unordered or overlapping ranges are refused', () => {
    assert.deepEqual(parseIndexes('0,2-3'), [0, 2, 3]);
    assert.equal(parseIndexes('3,1'), undefined);
    assert.equal(parseIndexes('0-2,2'), undefined);
  });
});

describe('jobs: policy validation, as Kubernetes', () => {
  function errors(spec: string): string[] {
    const docs = docsFromYaml(`apiVersion: batch/v1
kind: Job
metadata:
  name: j
spec:
${spec}`);
    const schema = validateDocuments(docs);
    const model = buildDesiredState(schema.valid, { allowHostPath: [], allowPrivileged: false });
    return [...schema.problems, ...model.problems].filter((p) => p.severity === 'error').map((p) => formatProblem(p));
  }
  const template = (restartPolicy: string) => `  template:
    spec:
      restartPolicy: ${restartPolicy}
      containers: [{name: main, image: busybox}]
`;

  it('accepts the documentation examples: FailJob on 42, FailIndex with backoffLimitPerIndex, a successPolicy', () => {
    assert.deepEqual(
      errors(
        `${template('Never')}  podFailurePolicy:\n    rules:\n    - {action: FailJob, onExitCodes: {containerName: main, operator: In, values: [42]}}\n    - {action: Ignore, onPodConditions: [{type: DisruptionTarget}]}\n`,
      ),
      [],
    );
    assert.deepEqual(
      errors(
        `  completions: 4\n  completionMode: Indexed\n  backoffLimitPerIndex: 1\n  maxFailedIndexes: 2\n${template('Never')}  podFailurePolicy:\n    rules:\n    - {action: FailIndex, onExitCodes: {operator: In, values: [42]}}\n`,
      ),
      [],
    );
    assert.deepEqual(
      errors(
        `  completions: 10\n  completionMode: Indexed\n  successPolicy:\n    rules:\n    - {succeededIndexes: "0,2-3", succeededCount: 1}\n${template('Never')}`,
      ),
      [],
    );
  });

  it('refuses what Kubernetes refuses, naming the field', () => {
    const e = errors(
      `${template('OnFailure')}  backoffLimitPerIndex: 1\n  successPolicy: {rules: [{succeededCount: 1}]}\n  podFailurePolicy:\n    rules:\n    - {action: FailIndex, onExitCodes: {containerName: other, operator: In, values: [0, 3]}}\n`,
    );
    assert.deepEqual(
      e.map((l) => l.replace(/^test\.yaml:\d+:\d+: /, '')).sort(),
      [
        'spec.backoffLimitPerIndex: backoffLimitPerIndex requires completionMode Indexed',
        'spec.podFailurePolicy: a podFailurePolicy needs the template\'s restartPolicy "Never" (as Kubernetes)',
        'spec.podFailurePolicy.rules[0].onExitCodes.values: must not be 0 for the In operator',
        'spec.podFailurePolicy.rules[0].onExitCodes.containerName: "other" is not a container or init container of the pod template',
        'spec.successPolicy: successPolicy requires completionMode Indexed',
      ].sort(),
    );
  });
});
