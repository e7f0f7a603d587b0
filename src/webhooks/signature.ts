// HMAC-SHA256 webhook signatures (base64), compared in constant time. What is signed is defined
// in ONE place: webhookSignedPrefix in src/makini/contract.ts, followed by the raw body bytes.
// During a secret rotation several secrets are configured (newest first): any of them verifies,
// the newest signs.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../config/secret.js';
import { webhookSignedPrefix } from '../makini/contract.js';

/** One webhook secret, or the secrets of a rotation (newest first). */
export type WebhookSecrets = Secret | readonly Secret[];

const secretList = (s: WebhookSecrets): readonly Secret[] => (Array.isArray(s) ? s : [s as Secret]);

/** The newest secret: the one to sign with. */
export function signingSecret(secrets: WebhookSecrets): Secret {
  const first = secretList(secrets)[0];
  if (!first) throw new Error('no webhook secret configured');
  return first;
}

/** The base64 signature of a delivery (what Makini sends in X-Webhook-Signature), with the newest secret. */
export function signWebhook(secret: WebhookSecrets, id: string, timestamp: string, rawBody: Buffer): string {
  return createHmac('sha256', signingSecret(secret).reveal()).update(webhookSignedPrefix(id, timestamp)).update(rawBody).digest('base64');
}

/**
 * Whether `signature` is the delivery's signature under any of the secrets; constant time in the
 * signature's content, and every secret is tried (which one matched does not show in the time).
 */
export function verifyWebhookSignature(
  secrets: WebhookSecrets,
  id: string,
  timestamp: string,
  rawBody: Buffer,
  signature: string,
): boolean {
  const text = signature.trim();
  const given = Buffer.from(text, 'base64');
  // Node's base64 decoder skips junk and stops at padding: accept only the canonical encoding.
  if (given.toString('base64') !== text) return false;
  let matched = false;
  for (const secret of secretList(secrets)) {
    const expected = Buffer.from(signWebhook(secret, id, timestamp, rawBody), 'base64');
    // The length of an HMAC-SHA256 digest is public; only equal lengths can be compared in constant time.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}
