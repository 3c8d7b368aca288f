import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { verifyWebhookSignature, type WebhookHeaders, type WebhookVerdict } from '../../../src/triggers/webhook';

const SECRET = 's3cret-value';
const BODY = '{"ref":"refs/heads/main","after":"0123456789abcdef0123456789abcdef01234567"}';
const hmac = (body: string, secret = SECRET): string => createHmac('sha256', secret).update(body).digest('hex');

type Expect = { ok: true; provider: string } | { ok: false; reason: string };

function summary(v: WebhookVerdict): Expect {
  return v.ok ? { ok: true, provider: v.provider } : { ok: false, reason: v.reason };
}

describe('git/verifyWebhookSignature', () => {
  const table: [string, WebhookHeaders, string | Buffer, string, Expect][] = [
    // GitHub
    ['github good', { 'x-hub-signature-256': `sha256=${hmac(BODY)}` }, BODY, SECRET, { ok: true, provider: 'github' }],
    [
      'github good, header case and Buffer body',
      { 'X-Hub-Signature-256': `sha256=${hmac(BODY).toUpperCase()}` },
      Buffer.from(BODY),
      SECRET,
      { ok: true, provider: 'github' },
    ],
    ['github wrong secret', { 'x-hub-signature-256': `sha256=${hmac(BODY, 'other')}` }, BODY, SECRET, { ok: false, reason: 'bad-signature' }],
    ['github body changed', { 'x-hub-signature-256': `sha256=${hmac(BODY)}` }, `${BODY} `, SECRET, { ok: false, reason: 'bad-signature' }],
    ['github no prefix', { 'x-hub-signature-256': hmac(BODY) }, BODY, SECRET, { ok: false, reason: 'malformed-signature' }],
    ['github short', { 'x-hub-signature-256': 'sha256=abcd' }, BODY, SECRET, { ok: false, reason: 'malformed-signature' }],
    ['github not hex', { 'x-hub-signature-256': `sha256=${'z'.repeat(64)}` }, BODY, SECRET, { ok: false, reason: 'malformed-signature' }],
    ['github empty', { 'x-hub-signature-256': '' }, BODY, SECRET, { ok: false, reason: 'malformed-signature' }],
    ['github array header', { 'x-hub-signature-256': [`sha256=${hmac(BODY)}`] }, BODY, SECRET, { ok: true, provider: 'github' }],
    ['sha1 only', { 'x-hub-signature': 'sha1=0000' }, BODY, SECRET, { ok: false, reason: 'missing-signature' }],
    // Gitea
    ['gitea good', { 'x-gitea-signature': hmac(BODY) }, BODY, SECRET, { ok: true, provider: 'gitea' }],
    ['gitea bad', { 'x-gitea-signature': hmac(BODY, 'other') }, BODY, SECRET, { ok: false, reason: 'bad-signature' }],
    ['gitea malformed', { 'x-gitea-signature': 'sha256=' + hmac(BODY) }, BODY, SECRET, { ok: false, reason: 'malformed-signature' }],
    [
      'gitea with a hub header too uses the hub header',
      { 'x-gitea-signature': 'junk', 'x-hub-signature-256': `sha256=${hmac(BODY)}` },
      BODY,
      SECRET,
      { ok: true, provider: 'github' },
    ],
    // GitLab
    ['gitlab good', { 'x-gitlab-token': SECRET }, BODY, SECRET, { ok: true, provider: 'gitlab' }],
    ['gitlab bad', { 'x-gitlab-token': 'guess' }, BODY, SECRET, { ok: false, reason: 'bad-signature' }],
    ['gitlab prefix of secret', { 'x-gitlab-token': SECRET.slice(0, -1) }, BODY, SECRET, { ok: false, reason: 'bad-signature' }],
    ['gitlab empty', { 'x-gitlab-token': '' }, BODY, SECRET, { ok: false, reason: 'bad-signature' }],
    // Neither
    ['no header', { 'content-type': 'application/json' }, BODY, SECRET, { ok: false, reason: 'missing-signature' }],
    ['undefined header value', { 'x-gitea-signature': undefined }, BODY, SECRET, { ok: false, reason: 'missing-signature' }],
    ['no secret configured', { 'x-gitlab-token': '' }, BODY, '', { ok: false, reason: 'no-secret' }],
    ['no secret, even with a matching empty HMAC', { 'x-hub-signature-256': `sha256=${hmac(BODY, '')}` }, BODY, '', { ok: false, reason: 'no-secret' }],
  ];
  for (const [name, headers, body, secret, expected] of table) {
    it(name, () => assert.deepEqual(summary(verifyWebhookSignature(headers, body, secret)), expected));
  }

  it('explains a rejection in words', () => {
    const v = verifyWebhookSignature({}, BODY, SECRET);
    assert.ok(!v.ok && /X-Hub-Signature-256/.test(v.message));
  });
});
