// Checks one webhook delivery before anything acts on it: headers present, signature valid (over
// id, timestamp and the raw body), timestamp fresh, id not seen before, body the documented shape.
import { MakiniHeader } from '../makini/contract.js';
import { webhookPayloadSchema, type WebhookPayload } from './payload.js';
import type { ReplayGuard } from './replay-guard.js';
import { verifyWebhookSignature, type WebhookSecrets } from './signature.js';

export interface DeliveryCheck {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  /** The secret, or the secrets of a rotation (newest first): any may have signed it. */
  secret: WebhookSecrets;
  toleranceS: number;
  /** Epoch ms. */
  now: number;
  guard: ReplayGuard;
}

export type DeliveryVerdict = { ok: true; id: string; payload: WebhookPayload } | { ok: false; status: 400 | 401 | 409; reason: string };

const header = (h: DeliveryCheck['headers'], name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The verdict on a delivery; on `ok` its id is claimed in the guard (commit or release it). */
export function verifyDelivery(d: DeliveryCheck): DeliveryVerdict {
  const id = header(d.headers, MakiniHeader.webhookId);
  const timestamp = header(d.headers, MakiniHeader.webhookTimestamp);
  const signature = header(d.headers, MakiniHeader.webhookSignature);
  const missing = [
    [MakiniHeader.webhookId, id],
    [MakiniHeader.webhookTimestamp, timestamp],
    [MakiniHeader.webhookSignature, signature],
  ]
    .filter(([, v]) => !v)
    .map(([n]) => n);
  if (missing.length) return { ok: false, status: 400, reason: `missing header(s): ${missing.join(', ')}` };
  if (!/^\d{1,12}$/.test(timestamp!)) return { ok: false, status: 400, reason: `${MakiniHeader.webhookTimestamp} must be Unix seconds` };
  if (id!.length > 200) return { ok: false, status: 400, reason: `${MakiniHeader.webhookId} is longer than 200 characters` };
  if (!verifyWebhookSignature(d.secret, id!, timestamp!, d.rawBody, signature!)) {
    return { ok: false, status: 401, reason: 'signature does not match any configured secret (wrong secret, or the delivery was altered)' };
  }
  const skewS = Math.round(d.now / 1000 - Number(timestamp));
  if (Math.abs(skewS) > d.toleranceS) {
    return {
      ok: false,
      status: 401,
      reason: `stale delivery: its timestamp is ${Math.abs(skewS)} s ${skewS > 0 ? 'old' : 'in the future'} (tolerance ${d.toleranceS} s)`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(d.rawBody.toString('utf8'));
  } catch {
    return { ok: false, status: 400, reason: 'body is not JSON' };
  }
  const parsed = webhookPayloadSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      status: 400,
      reason: `body: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
    };
  }
  if (!d.guard.claim(id!, d.now)) return { ok: false, status: 409, reason: `delivery ${id} was already received (replay)` };
  return { ok: true, id: id!, payload: parsed.data };
}
