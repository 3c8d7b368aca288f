/**
 * Values encrypted in git stay secret after decryption: a ConfigMap read from a sops file is
 * handled like a Secret (env redacted, files on the tmpfs), every decrypted value is blanked
 * wherever berth prints, and pod hashes cover Secret data only through a keyed digest.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashPodTemplate } from '../../../src/model/hash';
import type { DesiredState } from '../../../src/model/types';
import type { ObservedState } from '../../../src/observe/types';
import { plan, renderPlan } from '../../../src/plan';
import { planToJSON, scrubStrings, secretRedactor } from '../../../src/secrets/redact';
import type { CreatePodAction } from '../../../src/plan/types';
import { keyringOf } from '../../../src/secrets/sops/age';
import { validateDirectory } from '../../../src/validate';
import { ageKeygen, sopsEncrypt, type AgeKey } from '../../helpers/sops';
import { makeTree, removeTree } from '../manifests/helpers';
import { ctx } from '../plan/fixtures';

const SEALED_CONFIG = 'sealed-Config-5e1a9c27';
const INLINE = 'inline-Sealed-0b7d44e1';
const EMPTY: ObservedState = { networks: [], volumes: [], pods: [] };

const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  dsn: ${SEALED_CONFIG}
`;

const pod = (secretValue: string) => `apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  pin: "${secretValue}"
---
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: main
      image: berth-test/busybox:latest
      env:
        - { name: DSN, valueFrom: { configMapKeyRef: { name: settings, key: dsn } } }
        - { name: PIN, valueFrom: { secretKeyRef: { name: creds, key: pin } } }
      volumeMounts:
        - { name: settings, mountPath: /etc/settings }
  volumes:
    - { name: settings, configMap: { name: settings } }
`;

describe('values encrypted in git stay secret after decryption', () => {
  let tmp: string;
  let key: AgeKey;
  let dir: string | undefined;
  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-sealed-'));
    key = await ageKeygen(tmp, 'ops');
  });
  after(() => removeTree(tmp));
  afterEach(() => removeTree(dir));

  const desiredOf = async (files: Record<string, string>, hashKey?: Buffer): Promise<DesiredState> => {
    await removeTree(dir);
    dir = await makeTree(files);
    const sops = { kind: 'decrypt' as const, keyring: await keyringOf([key.identity]) };
    const v = await validateDirectory(dir, { allowHostPath: [], allowPrivileged: false, sops, ...(hashKey ? { hashKey } : {}) });
    assert.ok(v.ok, JSON.stringify(!v.ok && v.problems));
    return v.desired;
  };
  const sealedFiles = (pin = '1234') => ({
    'settings.yaml': sopsEncrypt(configMap, { recipients: [key.recipient], rule: { encrypted_regex: '^data$' } }),
    'app.yaml': pod(pin),
  });

  it('a ConfigMap read from a sops file: its env is a secret variable, its files go to the tmpfs, redacted', async () => {
    const d = await desiredOf(sealedFiles());
    assert.deepEqual(d.sealed, { values: [SEALED_CONFIG], keys: ['ConfigMap/default/settings'] });
    const p = plan(d, EMPTY, ctx({ secretsDir: '/run/berth' }));
    const create = p.actions.find((a): a is CreatePodAction => a.type === 'create-pod')!;
    assert.deepEqual(create.containers[0]!.secretEnv, ['DSN', 'PIN']);
    const files = p.actions.find((a) => a.type === 'write-files' && a.key === 'ConfigMap/default/settings');
    assert.ok(files?.type === 'write-files' && files.secret && files.dir.startsWith('/run/berth/unit/default/app/'), JSON.stringify(files));
    const shown = renderPlan(p, { verbose: true }) + JSON.stringify(planToJSON(p));
    assert.ok(!shown.includes(SEALED_CONFIG) && !shown.includes(Buffer.from(SEALED_CONFIG).toString('base64')), shown);
  });

  it('the same ConfigMap in clear is an ordinary ConfigMap (files in the state directory, env shown)', async () => {
    const d = await desiredOf({ 'settings.yaml': configMap, 'app.yaml': pod('1234') });
    assert.equal(d.sealed, undefined);
    const p = plan(d, EMPTY, ctx());
    const files = p.actions.find((a) => a.type === 'write-files' && a.key === 'ConfigMap/default/settings');
    assert.ok(files?.type === 'write-files' && !files.secret && files.dir.startsWith('/var/lib/berth/files/'));
    assert.match(renderPlan(p, { verbose: true }), new RegExp(SEALED_CONFIG));
  });

  it('a value encrypted inline in any manifest is blanked by the redactor of what berth prints', async () => {
    const inline = pod('1234').replace('image: berth-test/busybox:latest', `image: berth-test/busybox:latest\n      command: [sh, -c, "echo ${INLINE}"]`);
    const d = await desiredOf({
      'settings.yaml': sopsEncrypt(configMap, { recipients: [key.recipient], rule: { encrypted_regex: '^data$' } }),
      'app.yaml': sopsEncrypt(inline, { recipients: [key.recipient], rule: { encrypted_regex: '^command$' } }),
    });
    assert.ok(d.sealed?.values.includes(`sh`) && d.sealed.values.includes(`echo ${INLINE}`));
    const redact = secretRedactor(d);
    const p = plan(d, EMPTY, ctx());
    assert.ok(renderPlan(p, { verbose: true }).includes(INLINE), 'control: the command is shown without the redactor');
    const shown = redact(renderPlan(p, { verbose: true })) + JSON.stringify(scrubStrings(planToJSON(p), redact));
    assert.ok(!shown.includes(INLINE), shown);
  });

  it('pod hashes cover Secret data through a keyed digest: it changes with the value and with the key, and only there', async () => {
    const k1 = Buffer.alloc(32, 1);
    const k2 = Buffer.alloc(32, 2);
    const hashOf = async (pin: string, k?: Buffer) => (await desiredOf(sealedFiles(pin), k)).pods[0]!.specHash;
    const a = await hashOf('1234', k1);
    assert.equal(await hashOf('1234', k1), a, 'same value, same key: the pod keeps matching its label');
    assert.notEqual(await hashOf('1235', k1), a, 'a Secret change rolls the pod');
    assert.notEqual(await hashOf('1234', k2), a, 'another key, another hash: the label is no fingerprint of the value');
    assert.notEqual(await hashOf('1234'), a, 'the unkeyed hash (what a guesser can compute) is not the label');
    const d = await desiredOf(sealedFiles('1234'), k1);
    assert.deepEqual(Object.keys(d.contentDigests ?? {}).sort(), ['ConfigMap/default/settings', 'Secret/default/creds']);
    assert.ok(!JSON.stringify(d.contentDigests).includes('1234'));
    // A template that uses no Secret and no sealed ConfigMap hashes the same with any key.
    const plainPod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - { name: c, image: berth-test/busybox:latest }\n`;
    const [x, y] = await Promise.all([k1, k2].map(async (k) => (await desiredOf({ 'p.yaml': plainPod }, k)).pods[0]!.specHash));
    assert.equal(x, y);
  });

  it('the hash of a template recomputed from the desired state (rollout undo) uses the same digests', async () => {
    const d = await desiredOf({ ...sealedFiles(), 'web.yaml': webUsingCreds }, Buffer.alloc(32, 1));
    const w = d.deployments[0]!;
    assert.equal(hashPodTemplate(w.template, d, 'default'), w.templateHash);
  });
});

const webUsingCreds = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: main
          image: berth-test/busybox:latest
          env:
            - { name: PIN, valueFrom: { secretKeyRef: { name: creds, key: pin } } }
`;
