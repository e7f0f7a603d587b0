// Makini's webhook signature, verified the way Makini publishes it. Its sample (eqcentric/api-docs,
// docs/webhook/Webhook.md, "Validate Webhook from Makini by your app"):
//
//   crypto.createHmac("sha256", secret).update(JSON.stringify(data)).digest("base64")
//
// compared with the `X-Webhook-Signature` header, `data` being the delivered JSON as the app parsed
// it, the secret the one on the Developer Portal's Webhooks page. So the HMAC covers
// `JSON.stringify` of the parsed body, not the bytes on the wire (the two differ as soon as Makini
// sends spaces or escapes `/`), and nothing else: no delivery id, no time.
// Another version of the same page says "calculate the HMAC of the raw body" and its samples
// encode in hex (`.digest("hex")`). Makini's docs disagree with themselves, so a delivery is taken
// when its signature, base64 or hex, matches the HMAC of either `JSON.stringify(parsed body)` or the
// raw body bytes. `signWebhook` signs the first way (base64 over JSON.stringify).
// Every comparison is constant time, and all are made (secrets × signed forms), so the time shows
// neither which secret nor which form matched. During a secret rotation several secrets are
// configured (newest first): any of them verifies, the newest signs.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../observability/secret.js';

/** One webhook secret, or the secrets of a rotation (newest first). */
export type WebhookSecrets = Secret | readonly Secret[];

const secretList = (s: WebhookSecrets): readonly Secret[] => (Array.isArray(s) ? s : [s as Secret]);

/** The newest secret: the one to sign with. */
export function signingSecret(secrets: WebhookSecrets): Secret {
  const first = secretList(secrets)[0];
  if (!first) throw new Error('no webhook secret configured');
  return first;
}

const hmac = (secret: Secret, content: string | Buffer) => createHmac('sha256', secret.reveal()).update(content).digest();

/**
 * The signature Makini sends for a delivery of `payload`: base64 HMAC-SHA256 over
 * `JSON.stringify(payload)`, with the newest secret.
 * @example signWebhook(secret, { event: 'connection.online', connection_id: 'acme-sap' })
 */
export function signWebhook(secret: WebhookSecrets, payload: unknown): string {
  return hmac(signingSecret(secret), JSON.stringify(payload)).toString('base64');
}

const HMAC_SHA256_BYTES = 32;

/** The signature's bytes: 64 hex digits, or the canonical base64 of 32 bytes; otherwise undefined. */
function signatureBytes(signature: string): Buffer | undefined {
  const text = signature.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const bytes = Buffer.from(text, 'base64');
  // Node's base64 decoder skips junk and stops at padding: accept only the canonical encoding.
  return bytes.length === HMAC_SHA256_BYTES && bytes.toString('base64') === text ? bytes : undefined;
}

/** What a delivery's signature may cover: the body as received, and the JSON it parsed to (if it did). */
export interface SignedContent {
  rawBody: Buffer;
  /** `JSON.parse` of the body; absent when the body is not JSON. */
  parsed?: unknown;
}

/** Whether `signature` (base64 or hex) is the HMAC-SHA256 of the delivery under any of the secrets. */
export function verifyWebhookSignature(secrets: WebhookSecrets, content: SignedContent, signature: string): boolean {
  const given = signatureBytes(signature);
  if (!given) return false;
  const forms: (string | Buffer)[] = [content.rawBody];
  if (content.parsed !== undefined) forms.unshift(JSON.stringify(content.parsed));
  let matched = false;
  for (const secret of secretList(secrets)) {
    for (const form of forms) if (timingSafeEqual(given, hmac(secret, form))) matched = true;
  }
  return matched;
}
