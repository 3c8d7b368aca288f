/**
 * The downward API on the real engine: a downwardAPI volume file holds the pod's labels, a
 * projected volume merges a ConfigMap with pod metadata, and env resourceFieldRef gives the
 * container its own limits.
 */
import { strict as assert } from 'node:assert';
import { ManifestDir, yaml } from '../../helpers/manifests';
import { ApplyHarness } from '../apply/harness';

describe('downward API (real engine)', function () {
  let h: ApplyHarness;

  before(async function () {
    h = await ApplyHarness.create('pods-downward');
    const dir = await ManifestDir.create({
      'pod.yaml': yaml`
        apiVersion: v1
        kind: ConfigMap
        metadata: { name: settings }
        data: { mode: fast }
        ---
        apiVersion: v1
        kind: Secret
        metadata: { name: creds }
        stringData: { token: s3cr3t-Quokka }
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: self-aware
          labels: { app: web, tier: front }
          annotations: { build: "42" }
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: berth-test/busybox:latest
            imagePullPolicy: IfNotPresent
            command: [sh, -c, 'trap "exit 0" TERM; sleep 3600 & wait']
            resources:
              limits: { cpu: 500m, memory: 64Mi }
            env:
            - name: CPU_MILLIS
              valueFrom: { resourceFieldRef: { resource: limits.cpu, divisor: 1m } }
            - name: MEM_MI
              valueFrom: { resourceFieldRef: { containerName: app, resource: limits.memory, divisor: 1Mi } }
            - name: POD_NAME
              valueFrom: { fieldRef: { fieldPath: metadata.name } }
            volumeMounts:
            - { name: podinfo, mountPath: /etc/podinfo }
            - { name: all-in-one, mountPath: /etc/all }
            - { name: with-secret, mountPath: /etc/creds }
          volumes:
          - name: podinfo
            downwardAPI:
              items:
              - { path: labels, fieldRef: { fieldPath: metadata.labels } }
              - { path: annotations, fieldRef: { fieldPath: metadata.annotations } }
              - { path: cpu_limit, resourceFieldRef: { containerName: app, resource: limits.cpu, divisor: 1m } }
          - name: all-in-one
            projected:
              sources:
              - configMap: { name: settings }
              - downwardAPI:
                  items: [{ path: namespace, fieldRef: { fieldPath: metadata.namespace } }]
          - name: with-secret
            projected:
              sources:
              - secret: { name: creds, items: [{ key: token, path: api/token }] }
              - downwardAPI:
                  items: [{ path: pod, fieldRef: { fieldPath: metadata.name } }]
      `,
    });
    await h.converge(dir);
  });
  after(async () => h?.cleanup());

  const cat = async (file: string) => (await h.exec('self-aware', 'app', ['cat', file])).output;

  it('a downwardAPI file holds the pod\'s labels, one key="value" a line, sorted', async () => {
    assert.equal(await cat('/etc/podinfo/labels'), 'app="web"\ntier="front"');
    assert.equal(await cat('/etc/podinfo/annotations'), 'build="42"');
  });

  it("resourceFieldRef: the container's limits, by divisor, in a file and in env", async () => {
    assert.equal(await cat('/etc/podinfo/cpu_limit'), '500');
    const env = (await h.exec('self-aware', 'app', ['sh', '-c', 'echo $CPU_MILLIS $MEM_MI $POD_NAME'])).output.trim();
    assert.equal(env, '500 64 self-aware');
  });

  it('a projected volume holds the ConfigMap keys and the pod metadata side by side, read-only', async () => {
    assert.equal(await cat('/etc/all/mode'), 'fast');
    assert.equal(await cat('/etc/all/namespace'), 'default');
    const write = await h.exec('self-aware', 'app', ['sh', '-c', 'echo x > /etc/all/new 2>&1']);
    assert.notEqual(write.exitCode, 0);
  });

  it('a projected volume with a Secret source holds the Secret beside the metadata', async () => {
    assert.equal(await cat('/etc/creds/api/token'), 's3cr3t-Quokka');
    assert.equal(await cat('/etc/creds/pod'), 'self-aware');
  });
});
