import * as assert from 'assert';
import { pollUntil } from '../../../src/util/eventually';
import { DockerRuntime } from '../../../src/runtime/docker';
import { EngineEvent, LABEL, Subscription } from '../../../src/runtime/types';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { ensureTestImage } from '../../helpers/testImage';
import { busybox } from './fixtures';

describe('runtime/docker: events (real engine)', () => {
  let rt: DockerRuntime;
  let instance: string;
  let other: string;
  let sub: Subscription | undefined;

  before(async () => {
    rt = testRuntime();
    await ensureTestImage({ runtime: rt });
  });
  beforeEach(() => {
    instance = uniqueInstance('runtime');
    other = uniqueInstance('runtime-other');
  });
  afterEach(async () => {
    sub?.close();
    await cleanupInstance(rt, instance);
    await cleanupInstance(rt, other);
  });

  it('delivers start and die of containers carrying the labels, and only those', async () => {
    const events: EngineEvent[] = [];
    const errors: Error[] = [];
    sub = rt.subscribe(
      { [LABEL.instance]: instance },
      (e) => events.push(e),
      (err) => errors.push(err),
    );

    const mine = await rt.createContainer(busybox(instance, 'short', ['sh', '-c', 'exit 7']));
    const theirs = await rt.createContainer(busybox(other, 'short', ['sh', '-c', 'exit 0']));
    await rt.startContainer(theirs);
    await rt.startContainer(mine);

    const seen = (action: string) => events.find((e) => e.id === mine && e.action === action);
    await pollUntil(() => (seen('start') && seen('die') ? true : undefined), { timeoutMs: 15_000, what: 'start and die events' });
    const die = seen('die')!;
    assert.strictEqual(die.type, 'container');
    assert.strictEqual(die.labels[LABEL.instance], instance);
    assert.strictEqual(die.labels[LABEL.container], 'short');
    assert.ok(die.time > 1_600_000_000);
    assert.ok(
      events.every((e) => e.labels[LABEL.instance] === instance),
      'the label filter keeps other instances out',
    );
    assert.deepStrictEqual(errors, []);
  });

  it('close() ends the subscription without reporting an error', async () => {
    const errors: Error[] = [];
    const events: EngineEvent[] = [];
    sub = rt.subscribe(
      { [LABEL.instance]: instance },
      (e) => events.push(e),
      (err) => errors.push(err),
    );
    const first = await rt.createContainer(busybox(instance, 'first', ['true']));
    await rt.startContainer(first);
    await pollUntil(() => (events.some((e) => e.id === first && e.action === 'die') ? true : undefined), {
      timeoutMs: 15_000,
      what: 'die of the first container',
    });
    sub.close();
    const count = events.length;
    // A second subscription proves the engine delivered the next event; the closed one must not have it.
    const later: EngineEvent[] = [];
    const probe = rt.subscribe({ [LABEL.instance]: instance }, (e) => later.push(e));
    try {
      const second = await rt.createContainer(busybox(instance, 'second', ['true']));
      await rt.startContainer(second);
      await pollUntil(() => (later.some((e) => e.id === second && e.action === 'die') ? true : undefined), {
        timeoutMs: 15_000,
        what: 'die of the second container',
      });
    } finally {
      probe.close();
    }
    assert.strictEqual(events.length, count);
    assert.deepStrictEqual(errors, []);
  });
});
