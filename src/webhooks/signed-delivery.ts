// Builds a signed delivery the way Makini sends one (see signature.ts): the JSON body, and its
// signature in one header; no delivery-id or timestamp header (Makini publishes none). For
// `makini-writes webhook-send`, tests, and anyone checking their receiver by hand.
import { MakiniHeader } from '../makini/workflow/contract.js';
import type { WebhookPayload } from './payload.js';
import { signWebhook, type WebhookSecrets } from './signature.js';

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

/** Signs `payload` with `secret` (the newest of a list), in `signatureHeader` (default `x-webhook-signature`). */
export function signedDelivery(secret: WebhookSecrets, payload: WebhookPayload, opts: { signatureHeader?: string } = {}): SignedDelivery {
  return {
    body: JSON.stringify(payload),
    headers: {
      'content-type': 'application/json',
      [opts.signatureHeader ?? MakiniHeader.webhookSignature]: signWebhook(secret, payload),
    },
  };
}

/** POSTs a delivery; resolves with the receiver's status and body. */
export async function postDelivery(url: string, d: SignedDelivery): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: 'POST', headers: d.headers, body: d.body, signal: AbortSignal.timeout(15_000) });
  return { status: res.status, body: await res.text() };
}
