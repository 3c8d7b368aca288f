import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Is this webhook request from the forge we share a secret with? Pure: headers, raw body
 * and secret in, a verdict out. Supported:
 * - GitHub (and Gitea/Forgejo, which send it too): `X-Hub-Signature-256: sha256=<hex>`,
 *   HMAC-SHA256 of the raw body.
 * - Gitea: `X-Gitea-Signature: <hex>`, HMAC-SHA256 of the raw body.
 * - GitLab: `X-Gitlab-Token: <secret>`, the secret itself.
 * All comparisons are constant-time (`crypto.timingSafeEqual` on equal-length buffers).
 */

export type WebhookProvider = 'github' | 'gitea' | 'gitlab';
export type WebhookRejection = 'no-secret' | 'missing-signature' | 'malformed-signature' | 'bad-signature';

export type WebhookVerdict = { ok: true; provider: WebhookProvider } | { ok: false; reason: WebhookRejection; message: string };

export type WebhookHeaders = Record<string, string | string[] | undefined>;

function header(headers: WebhookHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function reject(reason: WebhookRejection, message: string): WebhookVerdict {
  return { ok: false, reason, message };
}

function hmacMatches(hex: string, body: Buffer, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(hex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

export function verifyWebhookSignature(headers: WebhookHeaders, rawBody: Buffer | string, secret: string): WebhookVerdict {
  if (!secret) return reject('no-secret', 'no webhook secret is configured; every request is refused');
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;

  const hub = header(headers, 'x-hub-signature-256');
  if (hub !== undefined) {
    const m = /^sha256=(.*)$/.exec(hub.trim());
    if (!m || !HEX_SHA256.test(m[1]!)) {
      return reject('malformed-signature', 'X-Hub-Signature-256 is not "sha256=<64 hex digits>"');
    }
    return hmacMatches(m[1]!, body, secret)
      ? { ok: true, provider: 'github' }
      : reject('bad-signature', 'X-Hub-Signature-256 does not match the body and secret');
  }

  const gitea = header(headers, 'x-gitea-signature');
  if (gitea !== undefined) {
    if (!HEX_SHA256.test(gitea.trim())) return reject('malformed-signature', 'X-Gitea-Signature is not 64 hex digits');
    return hmacMatches(gitea.trim(), body, secret)
      ? { ok: true, provider: 'gitea' }
      : reject('bad-signature', 'X-Gitea-Signature does not match the body and secret');
  }

  const token = header(headers, 'x-gitlab-token');
  if (token !== undefined) {
    // Hash both sides so the comparison takes the same time whatever the token's length.
    const a = createHash('sha256').update(token).digest();
    const b = createHash('sha256').update(secret).digest();
    return timingSafeEqual(a, b) ? { ok: true, provider: 'gitlab' } : reject('bad-signature', 'X-Gitlab-Token does not match the secret');
  }

  return reject('missing-signature', 'no X-Hub-Signature-256, X-Gitea-Signature or X-Gitlab-Token header (the legacy SHA-1 X-Hub-Signature is not accepted)');
}
