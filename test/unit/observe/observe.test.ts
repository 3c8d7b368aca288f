import { strict as assert } from 'node:assert';
import { groupPods } from '../../../src/observe/group';
import { observe } from '../../../src/observe/observe';
import { LABEL, type ContainerSummary, type Labels, type Runtime } from '../../../src/runtime/types';
import { BerthError, isBerthError } from '../../../src/util/errors';

function c(name: string, labels: Labels, state: ContainerSummary['state'] = 'running'): ContainerSummary {
  return { id: `id-${name}`, name, image: 'img', labels, state, status: '', createdAt: 0, networks: {} };
}
const podLabels = (ns: string, pod: string, container: string, extra: Labels = {}): Labels => ({
  [LABEL.namespace]: ns,
  [LABEL.pod]: pod,
  [LABEL.container]: container,
  [LABEL.kind]: 'Deployment',
  [LABEL.owner]: 'web',
  [LABEL.specHash]: 'h1',
  [LABEL.revision]: 'r1',
  ...extra,
});

describe('groupPods', () => {
  it('groups by namespace and pod, sorted, containers by name, infra apart', () => {
    const pods = groupPods([
      c('z', podLabels('default', 'web-b', 'side')),
      c('y', podLabels('default', 'web-b', 'POD')),
      c('x', podLabels('default', 'web-b', 'app')),
      c('w', podLabels('default', 'web-a', 'app')),
      c('v', podLabels('aaa', 'web-b', 'app')),
    ]);
    assert.deepEqual(
      pods.map((p) => [p.namespace, p.name, p.infra?.name, p.containers.map((x) => x.name)]),
      [
        ['aaa', 'web-b', undefined, ['v']],
        ['default', 'web-a', undefined, ['w']],
        ['default', 'web-b', 'y', ['x', 'z']],
      ],
    );
  });

  it('reads kind, owner, spec-hash, revision and ordinal from labels', () => {
    const [p] = groupPods([c('a', podLabels('ns', 'db-2', 'db', { [LABEL.kind]: 'StatefulSet', [LABEL.owner]: 'db', [LABEL.ordinal]: '2' }))]);
    assert.deepEqual([p.kind, p.owner, p.specHash, p.revision, p.ordinal], ['StatefulSet', 'db', 'h1', 'r1', 2]);
  });

  it("takes the pod's labels from the infra container when there is one", () => {
    const [p] = groupPods([
      c('a', podLabels('ns', 'p', 'app', { [LABEL.specHash]: 'app-hash' })),
      c('b', podLabels('ns', 'p', 'POD', { [LABEL.specHash]: 'infra-hash' })),
    ]);
    assert.equal(p.specHash, 'infra-hash');
  });

  it('a pod whose app containers were all removed is still a pod (infra only)', () => {
    const [p] = groupPods([c('b', podLabels('ns', 'p', 'POD'))]);
    assert.deepEqual([p.name, p.infra?.name, p.containers], ['p', 'b', []]);
  });

  it('ignores containers without namespace or pod labels', () => {
    assert.deepEqual(groupPods([c('a', { [LABEL.pod]: 'p' }), c('b', { [LABEL.namespace]: 'ns' })]), []);
  });

  it('an ordinal label that is not a number is left out', () => {
    const [p] = groupPods([c('a', podLabels('ns', 'p', 'app', { [LABEL.ordinal]: 'x' }))]);
    assert.equal('ordinal' in p, false);
  });
});

/** Only the three list calls; anything else is a test failure. */
function listingRuntime(calls: string[], fail?: Error): Runtime {
  const record = (what: string) => async (labels: Labels) => {
    calls.push(`${what} ${JSON.stringify(labels)}`);
    if (fail) throw fail;
    if (what === 'containers') return [c('x', podLabels('default', 'p', 'app'))];
    if (what === 'networks')
      return [
        { id: 'n2', name: 'n-b', labels: {} },
        { id: 'n1', name: 'n-a', labels: {} },
      ];
    return [{ name: 'v1', labels: {}, mountpoint: '/m' }];
  };
  const unexpected = () => {
    throw new Error('observe must only list');
  };
  return new Proxy({ listContainers: record('containers'), listNetworks: record('networks'), listVolumes: record('volumes') } as unknown as Runtime, {
    get: (target, prop) => (prop in target ? (target as unknown as Record<string | symbol, unknown>)[prop] : unexpected),
  });
}

describe('observe', () => {
  it('makes exactly three list calls filtered by managed and instance', async () => {
    const calls: string[] = [];
    await observe(listingRuntime(calls), 'obs-1');
    const filter = JSON.stringify({ [LABEL.managed]: 'true', [LABEL.instance]: 'obs-1' });
    assert.deepEqual(calls.sort(), [`containers ${filter}`, `networks ${filter}`, `volumes ${filter}`]);
  });

  it('returns networks and volumes sorted and containers grouped into pods', async () => {
    const o = await observe(listingRuntime([]), 'obs-1');
    assert.deepEqual([o.networks.map((n) => n.name), o.volumes.map((v) => v.name), o.pods.map((p) => p.name)], [['n-a', 'n-b'], ['v1'], ['p']]);
  });

  it('an engine error keeps its code and names the instance', async () => {
    const err = new BerthError('E_ENGINE', 'connect ENOENT /var/run/docker.sock');
    await assert.rejects(
      observe(listingRuntime([], err), 'obs-1'),
      (e: unknown) => isBerthError(e, 'E_ENGINE') && e.message === 'observing instance "obs-1": connect ENOENT /var/run/docker.sock',
    );
  });
});
