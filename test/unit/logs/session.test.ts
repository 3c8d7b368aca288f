/** Logs of pods and workloads on the FakeRuntime: merging, following a rollout, ends. */
import { strict as assert } from 'node:assert';
import { openLogs, type LogEvent, type LogRequest } from '../../../src/logs';
import { LABEL, type ContainerCreateSpec } from '../../../src/runtime/types';
import { isBerthError } from '../../../src/util/errors';
import { FakeClock, FakeRuntime } from '../../helpers/fakeRuntime';
import { busybox } from '../../helpers/containerSpec';
import { TEST_IMAGE } from '../../helpers/testImage';

const instance = 't-logs';

function podSpec(pod: string, container: string, kind: string, owner: string, ns = 'default'): ContainerCreateSpec {
  const spec = busybox(instance, `${pod}-${container}`, ['app']);
  spec.labels = { ...spec.labels, [LABEL.namespace]: ns, [LABEL.pod]: pod, [LABEL.container]: container, [LABEL.kind]: kind, [LABEL.owner]: owner };
  return spec;
}

describe('logs: sessions on the fake runtime', () => {
  let clock: FakeClock;
  let rt: FakeRuntime;
  let events: LogEvent[];
  const lines = () => events.filter((e) => e.type === 'line').map((e) => (e.type === 'line' ? `${e.pod}/${e.container}: ${e.line.text}` : ''));
  const req = (over: Partial<LogRequest>): LogRequest => ({
    instance,
    namespace: 'default',
    target: { kind: 'Deployment', name: 'web' },
    follow: false,
    ...over,
  });
  async function run(pod: string, container: string, kind = 'Deployment', owner = 'web', ns = 'default'): Promise<string> {
    const id = await rt.createContainer(podSpec(pod, container, kind, owner, ns));
    await rt.startContainer(id);
    return id;
  }

  beforeEach(() => {
    clock = new FakeClock();
    rt = new FakeRuntime({ clock, images: [TEST_IMAGE] });
    events = [];
  });

  it('a deployment: every pod lines merged in time order; other workloads, namespaces and infra containers left out', async () => {
    const a = await run('web-a', 'app');
    const b = await run('web-b', 'app');
    await run('web-a', 'POD');
    await run('other-x', 'app', 'Deployment', 'other');
    const elsewhere = await run('web-z', 'app', 'Deployment', 'web', 'shop');
    rt.writeLog(a, 'a1\n');
    await clock.advance(10);
    rt.writeLog(b, 'b1\n');
    rt.writeLog(elsewhere, 'z1\n');
    await clock.advance(10);
    rt.writeLog(a, 'a2\n');
    const s = await openLogs(rt, req({}), (e) => events.push(e));
    await s.done;
    assert.deepEqual(lines(), ['web-a/app: a1', 'web-b/app: b1', 'web-a/app: a2']);
    assert.deepEqual(s.selected, [
      { pod: 'web-a', container: 'app' },
      { pod: 'web-b', container: 'app' },
    ]);
  });

  it('tail is per container; -c picks one container; a pod by name whatever owns it', async () => {
    const app = await run('web-a', 'app');
    const side = await run('web-a', 'side');
    rt.writeLog(app, 'x\ny\nz\n');
    rt.writeLog(side, 's1\ns2\n');
    await (
      await openLogs(rt, req({ tail: 1 }), (e) => events.push(e))
    ).done;
    assert.deepEqual(lines().sort(), ['web-a/app: z', 'web-a/side: s2']);
    events = [];
    await (
      await openLogs(rt, req({ target: { kind: 'Pod', name: 'web-a' }, container: 'side' }), (e) => events.push(e))
    ).done;
    assert.deepEqual(lines(), ['web-a/side: s1', 'web-a/side: s2']);
  });

  it('nothing selected: E_NOT_FOUND as kubectl words it', async () => {
    await run('web-a', 'app');
    await assert.rejects(
      openLogs(rt, req({ target: { kind: 'Deployment', name: 'nope' } }), () => undefined),
      (e: unknown) => isBerthError(e, 'E_NOT_FOUND') && /deployments\.apps "nope" not found in namespace "default"/.test(e.message),
    );
    await assert.rejects(
      openLogs(rt, req({ container: 'nope' }), () => undefined),
      (e: unknown) => isBerthError(e, 'E_NOT_FOUND') && /with a container "nope"/.test(e.message),
    );
  });

  it('following a deployment through a rollout: a new pod is picked up, a removed one ends; a restart resumes without repeating lines', async () => {
    const old = await run('web-old', 'app');
    rt.writeLog(old, 'old1\n');
    const s = await openLogs(rt, req({ follow: true }), (e) => events.push(e));
    await clock.advance(10);
    const fresh = await run('web-new', 'app');
    rt.writeLog(fresh, 'new1\n');
    await clock.advance(10);
    rt.writeLog(old, 'old2\n');
    await clock.advance(10);
    await rt.removeContainer(old);
    await clock.advance(10);
    await rt.stopContainer(fresh, 1);
    await rt.startContainer(fresh); // as a restart policy would
    rt.writeLog(fresh, 'new2\n');
    await clock.advance(10);
    assert.deepEqual(lines(), ['web-old/app: old1', 'web-new/app: new1', 'web-old/app: old2', 'web-new/app: new2'], JSON.stringify(events));
    const ends = events.filter((e) => e.type === 'ended').map((e) => (e.type === 'ended' ? `${e.pod} ${e.why}` : ''));
    assert.deepEqual(ends, ['web-old gone', 'web-new stopped']);
    let finished = false;
    void s.done.then(() => (finished = true));
    await clock.advance(10);
    assert.equal(finished, false, 'a workload is followed until closed');
    s.close();
    await s.done;
  });

  it('following one pod ends when its container stops', async () => {
    const id = await run('solo', 'app', 'Pod', 'solo');
    const s = await openLogs(rt, req({ target: { kind: 'Pod', name: 'solo' }, follow: true }), (e) => events.push(e));
    rt.writeLog(id, 'hi\n');
    await clock.advance(10);
    await rt.stopContainer(id, 1);
    await clock.advanceUntil(s.done);
    assert.deepEqual(lines(), ['solo/app: hi']);
  });

  it('a broken engine event stream fails a follow', async () => {
    await run('web-a', 'app');
    const s = await openLogs(rt, req({ follow: true }), () => undefined);
    rt.breakEvents();
    await assert.rejects(s.done);
  });
});
