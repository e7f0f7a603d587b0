// Checks one webhook delivery before anything acts on it: signature header present, signature valid
// (as Makini signs: see signature.ts), body JSON of the documented shape, and, only where the
// payload itself carries a timestamp, not stale. Makini publishes no delivery-id or timestamp
// header, so none is required; a delivery is known by a digest of its body (see ReplayGuard).
import { createHash } from 'node:crypto';
import { eventTimeMs, webhookPayloadSchema, type WebhookEvent } from './payload.js';
import { verifyWebhookSignature, type WebhookSecrets } from './signature.js';

/** How far in the future an event's timestamp may be (clocks differ). */
export const FUTURE_SKEW_S = 300;

export interface DeliveryCheck {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  /** The secret, or the secrets of a rotation (newest first): any may have signed it. */
  secret: WebhookSecrets;
  /** The (lower-case) header carrying the signature. */
  signatureHeader: string;
  /** How old an event may be, by the timestamp in its payload. */
  toleranceS: number;
  /** Epoch ms. */
  now: number;
}

export type DeliveryVerdict =
  | { ok: true; /** `sha256:<hex>` of the signed JSON: the delivery's identity. */ digest: string; event: WebhookEvent }
  | { ok: false; status: 400 | 401; reason: string };

const refuse = (status: 400 | 401, reason: string): DeliveryVerdict => ({ ok: false, status, reason });

/** The verdict on a delivery (a pure check: remembering it is the receiver's). */
export function verifyDelivery(d: DeliveryCheck): DeliveryVerdict {
  const h = d.headers[d.signatureHeader];
  const signature = Array.isArray(h) ? h[0] : h;
  if (!signature) return refuse(400, `missing header ${d.signatureHeader} (the signature)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(d.rawBody.toString('utf8'));
  } catch {
    parsed = undefined; // the signature may still cover the raw bytes: refuse a bad signature first
  }
  if (!verifyWebhookSignature(d.secret, { rawBody: d.rawBody, parsed }, signature)) {
    return refuse(401, 'signature does not match any configured secret (wrong secret, or the delivery was altered)');
  }
  if (parsed === undefined) return refuse(400, 'body is not JSON');
  const result = webhookPayloadSchema.safeParse(parsed);
  if (!result.success) {
    return refuse(400, `body: ${result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
  }
  const event = result.data;
  const at = eventTimeMs(event.timestamp);
  if (at !== undefined) {
    const ageS = Math.round((d.now - at) / 1000);
    if (ageS > d.toleranceS) return refuse(401, `stale event: its timestamp is ${ageS} s old (tolerance ${d.toleranceS} s)`);
    if (-ageS > FUTURE_SKEW_S) return refuse(401, `future-dated event: its timestamp is ${-ageS} s ahead (tolerance ${FUTURE_SKEW_S} s)`);
  }
  const digest = `sha256:${createHash('sha256').update(JSON.stringify(parsed)).digest('hex')}`;
  return { ok: true, digest, event };
}
