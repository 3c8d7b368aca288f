import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { renderChanged, renderSections } from '../../../src/cli/get/render';
import { changedRows } from '../../../src/cli/get/watch';
import { containerStatus, type PodRow, type Sections, type WorkloadRow } from '../../../src/cli/get/rows';
import type { ContainerState, ContainerSummary } from '../../../src/runtime';

const pod = (name: string, status = 'Running'): PodRow => ({
  namespace: 'default',
  name,
  kind: 'Deployment',
  owner: 'web',
  ready: status === 'Running' ? '1/1' : '0/1',
  status,
  specHash: 'abc123',
  revision: 'f'.repeat(40),
  ip: '10.0.0.2',
  containers: ['app=busybox:latest'],
});
const deploy: WorkloadRow = {
  kind: 'Deployment',
  namespace: 'default',
  name: 'web',
  pods: 2,
  running: 2,
  templateHashes: ['abc123'],
  revisions: ['f'.repeat(40)],
  images: ['busybox:latest'],
};

describe('cli/get: formats and watch rows (pure)', () => {
  const sections: Sections = { pods: [pod('web-1'), pod('web-2')] };

  it('text: the table; wide: IP, template and containers too', () => {
    assert.match(
      renderSections(sections, 'pods', 'text'),
      /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+OWNER\s+REVISION\ndefault\s+web-1\s+1\/1\s+Running\s+Deployment\/web\s+ffffffff\n/,
    );
    const wide = renderSections(sections, 'pods', 'wide');
    assert.match(wide, /REVISION\s+IP\s+TEMPLATE\s+CONTAINERS\n/);
    assert.match(wide, /10\.0\.0\.2\s+abc123\s+app=busybox:latest\n/);
    assert.match(renderSections({ deployments: [deploy] }, 'deployments', 'wide'), /IMAGES\n.*busybox:latest\n/);
    assert.equal(renderSections({ pods: [] }, 'pods', 'text'), 'No resources found.\n');
  });

  it('name, json and yaml carry the same rows', () => {
    assert.equal(renderSections(sections, 'pods', 'name'), 'pod/web-1\npod/web-2\n');
    assert.equal(renderSections({ deployments: [deploy], statefulsets: [] }, 'all', 'name'), 'deployment/web\n');
    assert.deepEqual(JSON.parse(renderSections(sections, 'pods', 'json')), sections.pods);
    assert.deepEqual(parse(renderSections(sections, 'pods', 'yaml')), sections.pods);
    assert.deepEqual(parse(renderSections({ deployments: [deploy] }, 'all', 'yaml')), { deployments: [deploy] });
  });

  it('watch: only rows that changed or appeared, then the ones gone (a pod Deleted)', () => {
    const next: Sections = { pods: [pod('web-2', 'Exited (1) 1 second ago'), pod('web-3')] };
    const changed = changedRows(sections, next);
    assert.deepEqual(
      changed.map(([s, rows]) => [s, rows.map((r) => `${(r as PodRow).name} ${(r as PodRow).status} ${(r as PodRow).ready}`)]),
      [['pods', ['web-2 Exited (1) 1 second ago 0/1', 'web-3 Running 1/1', 'web-1 Deleted 0/1']]],
    );
    assert.deepEqual(changedRows(next, next), []);
  });

  it('watch rows are padded to the widths of the table printed first, without a header', () => {
    const first = renderChanged('pods', [pod('web-1')], 'text', [12, 20, 5, 30, 16, 8]);
    const cells = ['default'.padEnd(12), 'web-1'.padEnd(20), '1/1'.padEnd(5), 'Running'.padEnd(30), 'Deployment/web'.padEnd(16), 'ffffffff'];
    assert.equal(first.text, cells.join('   ') + '\n');
    assert.equal(renderChanged('pods', [pod('web-1')], 'name').text, 'pod/web-1\n');
    assert.equal(renderChanged('pods', [pod('web-1')], 'yaml').text.split('\n')[0], '---');
  });
});

describe("cli/get: a pod's STATUS in kubectl's words (pure)", () => {
  const c = (state: ContainerState, status: string): ContainerSummary => ({
    id: 'x',
    name: 'c',
    image: 'busybox',
    labels: {},
    state,
    status,
    createdAt: 0,
    networks: {},
  });

  it("Docker's restart back-off is CrashLoopBackOff, an exit 0 Completed, another exit an Error, with the code", () => {
    assert.equal(containerStatus(c('restarting', 'Restarting (3) 5 seconds ago')), 'CrashLoopBackOff (exit 3)');
    assert.equal(containerStatus(c('exited', 'Exited (0) 1 second ago')), 'Completed');
    assert.equal(containerStatus(c('exited', 'Exited (137) 2 minutes ago')), 'Error (exit 137)');
    assert.equal(containerStatus(c('created', 'Created')), 'ContainerCreating');
    assert.equal(containerStatus(undefined), 'Unknown');
  });

  it("the words do not change as Docker's clock ticks, so `get -w` prints no row for it", () => {
    const at = (status: string) => containerStatus(c('restarting', status));
    assert.equal(at('Restarting (3) 5 seconds ago'), at('Restarting (3) 9 seconds ago'));
  });
});
