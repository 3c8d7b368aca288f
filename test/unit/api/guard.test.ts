import { strict as assert } from 'node:assert';
import { guardMutation, isLoopbackHost, type GuardConfig } from '../../../src/api/guard';

const TOKEN = 'a-long-enough-token-123';
const local: GuardConfig = { listenHost: '127.0.0.1' };
const tokened: GuardConfig = { listenHost: '0.0.0.0', token: TOKEN };
const wide: GuardConfig = { listenHost: '0.0.0.0' };
const json = { 'content-type': 'application/json' };

describe('api guard: who may call an action', () => {
  const cases: [string, GuardConfig, Record<string, string>, number | 'ok'][] = [
    ['loopback, no token, a non-browser client', local, { host: '127.0.0.1:7070' }, 'ok'],
    [
      "loopback, no token, berth's own page with JSON",
      local,
      { host: '127.0.0.1:7070', origin: 'http://127.0.0.1:7070', 'sec-fetch-site': 'same-origin', ...json },
      'ok',
    ],
    ['loopback, a cross-site page', local, { host: '127.0.0.1:7070', origin: 'http://evil.example', 'sec-fetch-site': 'cross-site', ...json }, 403],
    ['loopback, a cross-origin page without fetch metadata', local, { host: '127.0.0.1:7070', origin: 'http://evil.example', ...json }, 403],
    ['loopback, a DNS-rebound name', local, { host: 'evil.example:7070', origin: 'http://evil.example:7070', ...json }, 403],
    [
      'loopback, a form post (simple request)',
      local,
      { host: '127.0.0.1:7070', origin: 'http://127.0.0.1:7070', 'content-type': 'application/x-www-form-urlencoded' },
      403,
    ],
    ['beyond loopback without a token', wide, { host: '10.0.0.1:7070' }, 403],
    ['token required, none sent', tokened, { host: 'h:7070' }, 401],
    ['token required, a wrong one', tokened, { host: 'h:7070', authorization: 'Bearer nope' }, 401],
    ['token required, the right one', tokened, { host: 'h:7070', authorization: `Bearer ${TOKEN}` }, 'ok'],
    ['the right token from another origin', tokened, { host: 'h:7070', authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example' }, 403],
  ];
  for (const [what, cfg, headers, want] of cases) {
    it(what, () => {
      const v = guardMutation(headers, cfg);
      assert.equal(v.ok ? 'ok' : v.status, want);
    });
  }

  it('knows loopback names', () => {
    assert.deepEqual(['127.0.0.1', 'localhost', '[::1]', '127.3.2.1', '0.0.0.0', '10.1.2.3', 'example.com'].map(isLoopbackHost), [
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
