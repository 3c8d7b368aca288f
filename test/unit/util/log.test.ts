import { strict as assert } from 'node:assert';
import { PassThrough } from 'node:stream';
import { createLogger, defaultLogFormat } from '../../../src/util/log';

function capture(format: 'json' | 'pretty'): { text: () => string; log: ReturnType<typeof createLogger> } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { text: () => text, log: createLogger({ instance: 'i', destination: out, format }) };
}

describe('util/log: human lines on a terminal, JSON elsewhere', () => {
  it('pretty on a TTY, json otherwise', () => {
    assert.equal(defaultLogFormat({ isTTY: true }), 'pretty');
    assert.equal(defaultLogFormat({ isTTY: false }), 'json');
    assert.equal(defaultLogFormat({}), 'json');
  });

  it('pretty: one readable line with level, message and fields, no JSON object', () => {
    const c = capture('pretty');
    c.log.info({ pass: 'abc', reasons: ['poll'] }, 'applying revision');
    const line = c.text().trim();
    assert.match(line, /^\[\d\d:\d\d:\d\d\] INFO: applying revision \{"pass":"abc","reasons":\["poll"\]\}$/);

    assert.doesNotMatch(line, /^\{/);
  });

  it('json: one object per line with time, level, instance and message', () => {
    const c = capture('json');
    c.log.warn({ error: 'x' }, 'pass failed');
    const rec = JSON.parse(c.text().trim()) as Record<string, unknown>;
    assert.equal(rec.msg, 'pass failed');
    assert.equal(rec.level, 40);
    assert.equal(rec.instance, 'i');
    assert.match(String(rec.time), /^\d{4}-\d\d-\d\dT/);
  });
});
