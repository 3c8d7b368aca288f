import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Volume } from '../../../src/model/types';
import type { ObservedState } from '../../../src/observe/types';
import { plan } from '../../../src/plan/plan';
import type { Action, CreatePodAction } from '../../../src/plan/types';
import { onTmpfs, pruneSecretFiles, resolveSecretsDir } from '../../../src/secrets/tmpfs';
import { container, ctx, desired, pod, podSpec, secret } from '../plan/fixtures';

const EMPTY: ObservedState = { networks: [], volumes: [], pods: [] };
const VOL: Volume = { name: 'creds', type: 'secret', secretName: 'sec', defaultMode: 0o644, optional: false };

function planned(secretsDir?: string): { create: CreatePodAction; writes: Extract<Action, { type: 'write-files' }>[] } {
  const spec = podSpec([container('c', 'c:1', { volumeMounts: [{ name: 'creds', mountPath: '/m', readOnly: true }] })], { volumes: [VOL] });
  const d = desired({ secrets: [secret('sec', { key: 'v' })], pods: [pod('p', spec)] });
  const p = plan(d, EMPTY, ctx(secretsDir ? { secretsDir } : {}));
  return {
    create: p.actions.find((a): a is CreatePodAction => a.type === 'create-pod')!,
    writes: p.actions.filter((a): a is Extract<Action, { type: 'write-files' }> => a.type === 'write-files'),
  };
}

describe('Secret volume files: planned on the tmpfs, one directory per pod', () => {
  it('lives under <secretsDir>/<instance>/<ns>/<pod>/<volume>-<spec hash>, bind-mounted read-only', () => {
    const { create, writes } = planned('/dev/shm/berth');
    assert.match(writes[0]!.dir, /^\/dev\/shm\/berth\/unit\/default\/p\/creds-[0-9a-f]{8,16}$/);
    assert.equal(writes[0]!.secret, true);
    assert.deepEqual(
      create.containers[0]!.mounts.map((m) => [m.type, m.source, m.readOnly]),
      [['bind', writes[0]!.dir, true]],
    );
  });

  it('the directory name is no fingerprint of the value alone: the pod spec hash names it', () => {
    const { create, writes } = planned('/s');
    assert.ok(writes[0]!.dir.endsWith(`/creds-${create.specHash.slice(0, 16)}`), writes[0]!.dir);
  });
});

describe('Secret volume files: the tmpfs and its cleaning', () => {
  it('a tmpfs is found (here /dev/shm), /tmp or the work tree is refused as --secrets-dir', async () => {
    assert.ok(await onTmpfs(await resolveSecretsDir(undefined, {})));
    const disk = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-disk-'));
    try {
      if (!(await onTmpfs(disk))) await assert.rejects(resolveSecretsDir(disk), /is not on a tmpfs/);
    } finally {
      await fs.rm(disk, { recursive: true, force: true });
    }
  });

  it('pruning removes the directories of pods that are gone, keeps the others', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-prune-'));
    try {
      for (const p of ['default/a/v-1', 'default/b/v-1', 'other/a/v-1']) await fs.mkdir(path.join(root, 'inst', p), { recursive: true });
      assert.equal(await pruneSecretFiles(root, 'inst', new Set(['default/a'])), 2);
      assert.deepEqual(await fs.readdir(path.join(root, 'inst', 'default')), ['a']);
      assert.deepEqual(await fs.readdir(path.join(root, 'inst', 'other')), []);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
