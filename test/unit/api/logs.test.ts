/** GET /api/v1/logs on a FakeRuntime: the SSE contract the dashboard builds on. */
import { strict as assert } from 'node:assert';
import { startApiServer, type ApiDeps, type ApiServer } from '../../../src/api/server';
import { parseLogQuery, sseFrame } from '../../../src/api/logs';
import { openLogs } from '../../../src/logs';
import { LABEL } from '../../../src/runtime/types';
import { FakeRuntime } from '../../helpers/fakeRuntime';
import { busybox } from '../../helpers/containerSpec';
import { TEST_IMAGE } from '../../helpers/testImage';

const instance = 't-api-logs';

function deps(rt: FakeRuntime): ApiDeps {
  return {
    status: () => ({ instance, source: { repo: 'r', branch: 'main', path: '.' }, phase: 'idle', resources: [] }),
    revisions: async () => [],
    requestSync: () => undefined,
    verifyWebhook: () => ({ ok: true }),
    ready: () => true,
    metrics: async () => ({ contentType: 'text/plain', body: '' }),
    openLogs: (req, onEvent) => openLogs(rt, { ...req, instance }, onEvent),
  };
}

/** Reads SSE frames from a fetch body until `until` says enough. */
async function readFrames(res: Response, until: (frames: string[]) => boolean): Promise<string[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const frames = text.split('\n\n').slice(0, -1);
    if (until(frames)) {
      await reader.cancel();
      return frames;
    }
    const { value, done } = await reader.read();
    if (done) return text.split('\n\n').filter((f) => f !== '');
    text += decoder.decode(value, { stream: true });
  }
}

const dataOf = (frames: string[]) => frames.filter((f) => f.startsWith('data: ')).map((f) => JSON.parse(f.slice(6)) as Record<string, string>);

describe('api: GET /api/v1/logs (Server-Sent Events)', () => {
  let rt: FakeRuntime;
  let api: ApiServer;
  const pod = async (name: string, container = 'app'): Promise<string> => {
    const spec = busybox(instance, `${name}-${container}`, ['app']);
    spec.labels = {
      ...spec.labels,
      [LABEL.namespace]: 'default',
      [LABEL.pod]: name,
      [LABEL.container]: container,
      [LABEL.kind]: 'Deployment',
      [LABEL.owner]: 'web',
    };
    const id = await rt.createContainer(spec);
    await rt.startContainer(id);
    return id;
  };

  beforeEach(async () => {
    rt = new FakeRuntime({ images: [TEST_IMAGE] });
    api = await startApiServer('127.0.0.1:0', deps(rt));
  });
  afterEach(() => api.close());

  it('a deployment without follow: every line as data {pod, container, time, line}, then event end', async () => {
    rt.writeLog(await pod('web-a'), 'hello\n');
    rt.writeLog(await pod('web-b'), 'world\n');
    const res = await fetch(`${api.url}/api/v1/logs?namespace=default&target=deployment/web`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const frames = await readFrames(res, () => false);
    assert.deepEqual(
      dataOf(frames).map((d) => [d.pod, d.container, d.line]),
      [
        ['web-a', 'app', 'hello'],
        ['web-b', 'app', 'world'],
      ],
    );
    assert.match(dataOf(frames)[0].time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(frames[frames.length - 1], 'event: end\ndata: {}');
  });

  it('follow=1: lines written later arrive; a new pod is picked up; the client leaving ends the stream', async () => {
    const a = await pod('web-a');
    const res = await fetch(`${api.url}/api/v1/logs?target=deployment/web&follow=1&tail=0`);
    assert.equal(res.status, 200);
    let wrote = false;
    const frames = await readFrames(res, (f) => {
      if (!wrote && f.some((x) => x.startsWith('event: started'))) {
        wrote = true;
        rt.writeLog(a, 'later\n');
        void pod('web-new').then((id) => rt.writeLog(id, 'fresh\n'));
      }
      return dataOf(f).length >= 2;
    });
    assert.deepEqual(
      dataOf(frames)
        .map((d) => `${d.pod}: ${d.line}`)
        .sort(),
      ['web-a: later', 'web-new: fresh'],
    );
  });

  it('refusals come as JSON before any stream: 400 bad parameters, 404 nothing selected', async () => {
    await pod('web-a');
    const bad = await fetch(`${api.url}/api/v1/logs?target=service/web`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /cannot read logs of "service"/);
    assert.equal((await fetch(`${api.url}/api/v1/logs`)).status, 400);
    assert.equal((await fetch(`${api.url}/api/v1/logs?target=deployment/web&tail=x`)).status, 400);
    const missing = await fetch(`${api.url}/api/v1/logs?target=pod/nope`);
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /pods "nope" not found/);
  });

  it('query parsing and framing (pure): defaults as the CLI, JSON-encoded lines cannot break frames', () => {
    const q = parseLogQuery(new URLSearchParams('target=sts/db&since=1m'), 100_000);
    assert.deepEqual(q, { ok: true, req: { namespace: 'default', target: { kind: 'StatefulSet', name: 'db' }, follow: false, tail: 10, sinceSeconds: 40 } });
    const frame = sseFrame({ type: 'line', pod: 'p', container: 'c', revision: 'r', line: { stream: 'stdout', time: 't', text: 'a\n\ndata: x' } });
    assert.equal(frame.split('\n\n').length, 2);
    assert.equal(sseFrame({ type: 'ended', pod: 'p', container: 'c', why: 'gone' }), 'event: ended\ndata: {"pod":"p","container":"c","why":"gone"}\n\n');
  });
});
