/**
 * A field written without a value is null in YAML; Kubernetes decodes it as unset (and, in a
 * string map, as ""), so such manifests are accepted, as in the docs' `storageClassName: ,` (a flow mapping).
 */
import { strict as assert } from 'node:assert';
import { validateDocuments } from '../../../src/schema';
import { nullsAsAbsent } from '../../../src/schema/nulls';
import { docFromYaml } from './helpers';

describe('schema/nulls', () => {
  it('accepts fields written without a value, as Kubernetes does', () => {
    const doc = docFromYaml(`apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: gold
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 2Gi}}
  storageClassName:
`);
    const r = validateDocuments([doc]);
    assert.deepEqual(
      r.problems.filter((p) => p.severity === 'error'),
      [],
    );
    assert.equal((r.valid[0]!.body.spec as Record<string, unknown>).storageClassName, undefined);
  });

  it('drops null fields of objects but keeps a null string-map value as ""', () => {
    const body = {
      metadata: { labels: { a: null }, annotations: null },
      spec: { containers: [{ name: 'c', args: null, resources: null }] },
      data: { k: null },
    };
    assert.deepEqual(nullsAsAbsent(body), { metadata: { labels: { a: '' } }, spec: { containers: [{ name: 'c' }] }, data: { k: '' } });
  });

  it('still refuses a value of the wrong type', () => {
    const doc = docFromYaml(`apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: nginx
    args: 3
`);
    assert.equal(validateDocuments([doc]).problems.filter((p) => p.severity === 'error').length, 1);
  });
});
