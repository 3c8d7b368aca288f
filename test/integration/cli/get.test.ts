/** `berth get -o wide|yaml|json|name` and `get -w` on the real engine. */
import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { describeRun, engineArgs } from '../../helpers/cli';
import { ManifestDir } from '../../helpers/manifests';
import { ApplyHarness, names } from '../apply/harness';
import { CliChild, talkingDeployment } from './helpers';

describe('berth get formats and watch (real engine)', function () {
  this.timeout(120_000);
  let h: ApplyHarness;
  let dir: ManifestDir;
  const children: CliChild[] = [];

  before(async () => {
    h = await ApplyHarness.create('cli-get');
    dir = await ManifestDir.create({ 'talk.yaml': talkingDeployment(1) });
    await h.converge(dir);
  });
  after(async () => {
    children.forEach((c) => c.kill());
    await h?.cleanup();
  });

  it('-o name, yaml, json and wide show the same pods', async () => {
    const pods = names(await h.livePodsOf('talk')).sort();
    const n = await h.cli('get', ['pods', '-o', 'name']);
    assert.equal(n.code, 0, describeRun(n));
    assert.deepEqual(
      n.stdout.trim().split('\n').sort(),
      pods.map((p) => `pod/${p}`),
    );
    const y = parse((await h.cli('get', ['pods', '-o', 'yaml'])).stdout) as { name: string; ip: string }[];
    const j = JSON.parse((await h.cli('get', ['pods', '-o', 'json'])).stdout) as { name: string; ip: string }[];
    assert.deepEqual(y, j);
    assert.deepEqual(j.map((p) => p.name).sort(), pods);
    const w = await h.cli('get', ['pods', '-o', 'wide']);
    assert.match(w.stdout, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+OWNER\s+REVISION\s+IP\s+TEMPLATE\s+CONTAINERS$/m);
    for (const p of j)
      assert.match(
        w.stdout,
        new RegExp(`^default\\s+${p.name}\\s+1/1\\s+Running\\s+.*\\s${p.ip.replace(/\./g, '\\.')}\\s+[0-9a-f]+\\s+app=berth-test/busybox:latest$`, 'm'),
      );
    assert.equal((await h.cli('get', ['deployments', '-o', 'name'])).stdout, 'deployment/talk\n');
    assert.equal((await h.cli('get', ['pods', '-o', 'xml'])).code, 2);
  });

  it('-w prints the table, then each row that changes: a new pod, one removed by hand (Deleted); Ctrl-C exits 0', async () => {
    const before = names(await h.livePodsOf('talk'));
    const w = new CliChild(engineArgs(['get', 'pods', '-w'], h.instance, h.stateDir));
    children.push(w);
    await w.until(new RegExp(`${before[1]}\\s+1/1\\s+Running`));
    const header = w.stdout.split('\n')[0];
    await dir.write('talk.yaml', talkingDeployment(1, 3));
    await h.converge(dir);
    const added = names(await h.livePodsOf('talk')).find((p) => !before.includes(p))!;
    await w.until(new RegExp(`^default\\s+${added}\\s+1/1\\s+Running`, 'm'));
    await h.runtime.removeContainer(await h.containerId(before[0], 'app'));
    await w.until(new RegExp(`^default\\s+${before[0]}\\s+0/1\\s+Deleted`, 'm'));
    assert.equal(await w.interrupt(), 0, w.stderr);
    const lines = w.stdout.trim().split('\n');
    assert.equal(lines.filter((l) => l === header).length, 1, 'the header once');
    assert.ok(
      lines.every((l) => l === header || l.startsWith('default ')),
      w.stdout,
    );
  });
});
