/** The typed form of init containers, sidecars, securityContext inheritance and gRPC probes. */
import { strict as assert } from 'node:assert';
import { build, container, pod } from './helpers';

type Obj = Record<string, unknown>;
const specOf = (spec: Obj) => build([pod('p', spec)], { allowPrivileged: true });

describe('model: pod features', () => {
  it('an init container with restartPolicy Always is a sidecar; one without is a regular init container', () => {
    const { desired, problems } = specOf({
      initContainers: [container({ name: 'side', restartPolicy: 'Always' }), container({ name: 'init' })],
      containers: [container()],
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(
      desired.pods[0].spec.initContainers.map((c) => [c.name, c.restartPolicy]),
      [
        ['side', 'Always'],
        ['init', undefined],
      ],
    );
  });

  it('an init container restartPolicy other than Always is an error naming it', () => {
    const { problems } = specOf({ initContainers: [container({ name: 'init', restartPolicy: 'OnFailure' })], containers: [container()] });
    assert.deepEqual(
      problems.map((p) => [p.code, p.path, p.message]),
      [
        [
          'pod.init-restart-policy',
          'spec.initContainers[0].restartPolicy',
          'restartPolicy "OnFailure" of init container "init" is not allowed (only "Always", which makes it a sidecar)',
        ],
      ],
    );
  });

  it("an app container's restartPolicy is ignored with a warning", () => {
    const { desired, problems } = specOf({ containers: [container({ restartPolicy: 'Always' })] });
    assert.deepEqual(
      problems.map((p) => [p.severity, p.path]),
      [['warning', 'spec.containers[0].restartPolicy']],
    );
    assert.equal(desired.pods[0].spec.containers[0].restartPolicy, undefined);
  });

  it("pod securityContext is every container's default; a container's own fields win", () => {
    const { desired, problems } = specOf({
      securityContext: { runAsUser: 1000, runAsGroup: 3000, runAsNonRoot: true, supplementalGroups: [4000], seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [container({ name: 'init' })],
      containers: [
        container({ securityContext: { runAsUser: 2000, runAsNonRoot: false, allowPrivilegeEscalation: false, seccompProfile: { type: 'Unconfined' } } }),
      ],
    });
    assert.deepEqual(
      problems.filter((p) => p.severity === 'error'),
      [],
    );
    const [init] = desired.pods[0].spec.initContainers;
    const [app] = desired.pods[0].spec.containers;
    assert.deepEqual(
      [
        init.securityContext.runAsUser,
        init.securityContext.runAsGroup,
        init.securityContext.runAsNonRoot,
        init.securityContext.supplementalGroups,
        init.securityContext.seccompProfile,
      ],
      [1000, 3000, true, [4000], 'RuntimeDefault'],
    );
    assert.deepEqual(
      [
        app.securityContext.runAsUser,
        app.securityContext.runAsGroup,
        app.securityContext.runAsNonRoot,
        app.securityContext.allowPrivilegeEscalation,
        app.securityContext.seccompProfile,
      ],
      [2000, 3000, false, false, 'Unconfined'],
    );
  });

  it('a grpc probe becomes a grpc handler, service "" when not given', () => {
    const { desired, problems } = specOf({
      containers: [container({ readinessProbe: { grpc: { port: 9090 } }, livenessProbe: { grpc: { port: 9090, service: 'liveness' } } })],
    });
    assert.deepEqual(problems, []);
    const c = desired.pods[0].spec.containers[0];
    assert.deepEqual(
      [c.readinessProbe?.handler, c.livenessProbe?.handler],
      [
        { type: 'grpc', port: 9090, service: '' },
        { type: 'grpc', port: 9090, service: 'liveness' },
      ],
    );
  });

  it('a probe on a regular init container is an error; a sidecar may have one', () => {
    const { problems } = specOf({
      initContainers: [
        container({ name: 'init', readinessProbe: { exec: { command: ['true'] } } }),
        container({ name: 'side', restartPolicy: 'Always', readinessProbe: { exec: { command: ['true'] } } }),
      ],
      containers: [container()],
    });
    assert.deepEqual(
      problems.map((p) => [p.code, p.path]),
      [['pod.init-probe', 'spec.initContainers[0].readinessProbe']],
    );
  });
});
