// Builds a signed delivery exactly as Makini sends one: for `makini-writes webhook-send`, tests,
// and anyone checking their receiver by hand.
import { randomUUID } from 'node:crypto';
import { MakiniHeader } from '../makini/contract.js';
import type { WebhookPayload } from './payload.js';
import { signWebhook, type WebhookSecrets } from './signature.js';

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

/** Signs `payload` with `secret` (the newest of a list); `id` and `timestamp` (Unix seconds) default to a new id and now. */
export function signedDelivery(
  secret: WebhookSecrets,
  payload: WebhookPayload,
  opts: { id?: string; timestamp?: number } = {},
): SignedDelivery {
  const id = opts.id ?? `evt_${randomUUID()}`;
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      [MakiniHeader.webhookId]: id,
      [MakiniHeader.webhookTimestamp]: timestamp,
      [MakiniHeader.webhookSignature]: signWebhook(secret, id, timestamp, Buffer.from(body)),
    },
  };
}

/** POSTs a delivery; resolves with the receiver's status and body. */
export async function postDelivery(url: string, d: SignedDelivery): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: 'POST', headers: d.headers, body: d.body, signal: AbortSignal.timeout(15_000) });
  return { status: res.status, body: await res.text() };
}
