import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DesiredState } from '../../../src/model/types';
import { findWorkload } from '../../../src/history/ref';
import { otherChanges, withTemplateOf } from '../../../src/rollback/merge';
import type { Action } from '../../../src/plan/types';
import { isBerthError } from '../../../src/util/errors';
import { validateDirectory } from '../../../src/validate';
import { cleanupTemp, tempDir } from '../../helpers/gitRepo';

const id = { kind: 'Deployment' as const, namespace: 'default', name: 'web' };

function manifests(o: { replicas: number; image: string; label?: string; config?: string }): string {
  return `
apiVersion: v1
kind: ConfigMap
metadata: { name: cfg }
data: { key: "${o.config ?? 'one'}" }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: ${o.replicas}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: ${o.label ?? 'web'} } }
    spec:
      containers:
        - name: web
          image: ${o.image}
          envFrom: [{ configMapRef: { name: cfg } }]
`;
}

async function desired(yaml: string): Promise<DesiredState> {
  const dir = join(await tempDir('berth-merge-'), 'm');
  await mkdir(dir);
  await writeFile(join(dir, 'all.yaml'), yaml);
  const v = await validateDirectory(dir);
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return v.desired;
}

describe('rollback/withTemplateOf', () => {
  after(cleanupTemp);

  it('takes the template (and its hash) from the target, the rest from what runs', async () => {
    const base = await desired(manifests({ replicas: 4, image: 'img:2' }));
    const target = await desired(manifests({ replicas: 1, image: 'img:1' }));
    const merged = withTemplateOf(base, id, findWorkload(target, id)!);
    const w = findWorkload(merged, id)!;
    assert.equal(w.templateHash, findWorkload(target, id)!.templateHash);
    assert.equal(w.template.spec.containers[0]!.image, 'img:1');
    assert.equal(w.replicas, 4);
    assert.equal(findWorkload(base, id)!.template.spec.containers[0]!.image, 'img:2', 'the base was changed in place');
  });

  it("refuses when the ConfigMap the template uses differs (it would run with today's)", async () => {
    const base = await desired(manifests({ replicas: 1, image: 'img:2', config: 'two' }));
    const target = await desired(manifests({ replicas: 1, image: 'img:1', config: 'one' }));
    assert.throws(
      () => withTemplateOf(base, id, findWorkload(target, id)!),
      (e) => isBerthError(e, 'E_INVALID') && /ConfigMaps\/Secrets/.test(e.message),
    );
  });

  it('refuses an old template the current selector does not select', async () => {
    const base = await desired(manifests({ replicas: 1, image: 'img:2' }));
    const target = await desired(manifests({ replicas: 1, image: 'img:1', label: 'web' }));
    findWorkload(target, id)!.template.labels = { app: 'other' };
    assert.throws(
      () => withTemplateOf(base, id, findWorkload(target, id)!),
      (e) => isBerthError(e, 'E_INVALID') && /do not match the selector/.test(e.message),
    );
  });

  it('refuses a base that does not declare the workload', async () => {
    const target = await desired(manifests({ replicas: 1, image: 'img:1' }));
    const base = await desired('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n');
    assert.throws(() => withTemplateOf(base, id, findWorkload(target, id)!), /not declared in the revision that runs now/);
  });
});

describe('rollback/withTemplateOf on a StatefulSet', () => {
  after(cleanupTemp);
  const sts = (image: string, replicas: number, size: string) => `
apiVersion: v1
kind: Service
metadata: { name: db }
spec: { clusterIP: None, selector: { app: db }, ports: [{ port: 5432 }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  replicas: ${replicas}
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers: [{ name: db, image: ${image}, volumeMounts: [{ name: data, mountPath: /data }] }]
  volumeClaimTemplates:
    - metadata: { name: data }
      spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: ${size} } } }
`;
  it('keeps replicas and volumeClaimTemplates as they run, takes the template', async () => {
    const sid = { kind: 'StatefulSet' as const, namespace: 'default', name: 'db' };
    const base = await desired(sts('db:2', 3, '2Gi'));
    const target = await desired(sts('db:1', 1, '1Gi'));
    const w = findWorkload(withTemplateOf(base, sid, findWorkload(target, sid)!), sid)!;
    assert.equal(w.kind, 'StatefulSet');
    assert.equal(w.template.spec.containers[0]!.image, 'db:1');
    assert.equal(w.replicas, 3);
    assert.equal(w.kind === 'StatefulSet' ? w.volumeClaimTemplates[0]!.storageBytes : 0, 2 * 1024 ** 3);
  });
});

describe('rollback/otherChanges', () => {
  it("keeps actions on other resources, not the workload's nor file writes", () => {
    const actions = [
      { type: 'create-pod', key: 'Deployment/default/web' },
      { type: 'remove-pod', key: 'Deployment/default/web' },
      { type: 'write-files', key: 'ConfigMap/default/cfg' },
      { type: 'create-pod', key: 'Deployment/default/api' },
    ] as unknown as Action[];
    assert.deepEqual(
      otherChanges(actions, id).map((a) => a.key),
      ['Deployment/default/api'],
    );
  });
});
