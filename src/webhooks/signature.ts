// HMAC-SHA256 webhook signatures (base64), compared in constant time. What is signed is defined
// in ONE place: webhookSignedPrefix in src/makini/contract.ts, followed by the raw body bytes.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../config/secret.js';
import { webhookSignedPrefix } from '../makini/contract.js';

/** The base64 signature of a delivery (what Makini sends in X-Webhook-Signature). */
export function signWebhook(secret: Secret, id: string, timestamp: string, rawBody: Buffer): string {
  return createHmac('sha256', secret.reveal()).update(webhookSignedPrefix(id, timestamp)).update(rawBody).digest('base64');
}

/** Whether `signature` is the delivery's signature; constant time in the signature's content. */
export function verifyWebhookSignature(secret: Secret, id: string, timestamp: string, rawBody: Buffer, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, id, timestamp, rawBody), 'base64');
  const text = signature.trim();
  const given = Buffer.from(text, 'base64');
  // Node's base64 decoder skips junk and stops at padding: accept only the canonical encoding.
  if (given.toString('base64') !== text) return false;
  // The length of an HMAC-SHA256 digest is public; only equal lengths can be compared in constant time.
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}
