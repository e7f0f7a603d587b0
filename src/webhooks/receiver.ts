// The webhook receiver: POST /webhooks/makini. Verifies each delivery, hands the event to the
// connection's control workflow (signal-with-start) and answers 200 once Temporal has it (Makini
// wants an answer within 10 s; nothing is processed inline). If Temporal cannot take it, 503:
// Makini redelivers. A redelivery of a delivery already handed over is answered 200 and not handed
// over again (Makini redelivers because our 200 did not reach it). The secret and signatures are
// never logged.
import http from 'node:http';
import type { ConnectionEvent } from '../connections/workflow/control-state.js';
import { MAKINI_WEBHOOK_REDELIVERY_MS, MakiniHeader } from '../makini/workflow/contract.js';
import { eventTimeMs } from './payload.js';
import { ReplayGuard } from './replay-guard.js';
import type { WebhookSecrets } from './signature.js';
import { FUTURE_SKEW_S, verifyDelivery } from './verify-delivery.js';

/** Path Makini is configured to deliver to. */
export const WEBHOOK_PATH = '/webhooks/makini';

const BODY_LIMIT_BYTES = 1024 * 1024;
/** How long the rest of a refused body is read (and dropped) before the connection is closed. */
const LINGER_MS = 2_000;

export interface WebhookReceiverOptions {
  /** The signing secret, or the secrets of a rotation (newest first): a delivery signed with any is accepted. */
  secret: WebhookSecrets;
  /** The header carrying the signature; default `x-webhook-signature` (case does not matter). */
  signatureHeader?: string;
  /** How old an event may be, by the timestamp its payload carries (events without one are not checked). */
  toleranceS: number;
  /** Hands a verified event to Temporal (see deliverConnectionEvent). */
  deliver(event: ConnectionEvent): Promise<void>;
  log?: (line: string) => void;
  now?: () => number;
  /** Longer than this and the receiver answers 503 (Makini redelivers). Default 5 s. */
  handOffTimeoutMs?: number;
}

function send(res: http.ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The raw body, or `undefined` once it passes the limit. It keeps reading (and dropping) what
 * follows: leaving the loop early would destroy the socket before the 413 could be sent.
 */
function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > BODY_LIMIT_BYTES) return;
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        chunks.length = 0;
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Answers 413 and closes the connection once the answer is out. Until then, and for a short
 * while after, the rest of the body is read and dropped: closing a socket that still receives
 * data resets the connection, and the client would never see the answer.
 */
function refuseTooLarge(req: http.IncomingMessage, res: http.ServerResponse): void {
  req.resume();
  res.setHeader('connection', 'close');
  res.on('finish', () => setTimeout(() => req.destroy(), LINGER_MS).unref());
  send(res, 413, { error: `body larger than ${BODY_LIMIT_BYTES} bytes` });
}

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer from Temporal within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });

/** An HTTP server receiving Makini webhooks (call `listen` on it). */
export function createWebhookReceiver(opts: WebhookReceiverOptions): http.Server {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? ((line: string) => console.log(line));
  const signatureHeader = (opts.signatureHeader ?? MakiniHeader.webhookSignature).toLowerCase();
  // Long enough to answer every redelivery Makini makes, and every copy whose timestamp (if it has
  // one) still passes the staleness check: a replay is either remembered or stale.
  const guard = new ReplayGuard(Math.max(MAKINI_WEBHOOK_REDELIVERY_MS, (opts.toleranceS + FUTURE_SKEW_S) * 1000));

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://receiver.invalid').pathname;
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { ok: true });
    if (path !== WEBHOOK_PATH) return send(res, 404, { error: `no such endpoint; Makini delivers to POST ${WEBHOOK_PATH}` });
    if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
    if (Number(req.headers['content-length']) > BODY_LIMIT_BYTES) return refuseTooLarge(req, res);
    const rawBody = await readBody(req);
    if (!rawBody) return refuseTooLarge(req, res);
    const verdict = verifyDelivery({
      headers: req.headers,
      rawBody,
      secret: opts.secret,
      signatureHeader,
      toleranceS: opts.toleranceS,
      now: now(),
    });
    if (!verdict.ok) {
      log(`[webhooks] refused a delivery: ${verdict.status} ${verdict.reason}`);
      return send(res, verdict.status, { error: verdict.reason });
    }
    const { digest: id, event } = verdict;
    if (!event.connectionId) {
      // Authentic, about no connection (Makini's data events name none): nothing here acts on it,
      // and refusing it would only make Makini redeliver it for a day.
      log(`[webhooks] ${event.type} (delivery ${id}) names no connection: acknowledged, nothing to hand over`);
      return send(res, 200, { received: true, id, handedOver: false });
    }
    const about = `${event.type} for ${event.connectionId} (delivery ${id})`;
    const claim = guard.claim(id, now());
    if (claim.kind !== 'new') {
      const handedOver = claim.kind === 'handed-over' || (await claim.handedOver);
      if (!handedOver) return send(res, 503, { error: 'could not hand the event to Temporal; redeliver later' });
      log(`[webhooks] redelivery of ${about}: acknowledged, already handed to Temporal`);
      return send(res, 200, { received: true, id, duplicate: true });
    }
    const at = eventTimeMs(event.timestamp);
    const connectionEvent: ConnectionEvent = {
      id,
      type: event.type,
      connectionId: event.connectionId,
      receivedAt: now(),
      ...(at !== undefined ? { occurredAt: new Date(at).toISOString() } : {}),
    };
    try {
      await withTimeout(opts.deliver(connectionEvent), opts.handOffTimeoutMs ?? 5_000);
    } catch (err) {
      guard.release(id);
      log(`[webhooks] could not hand ${about} to Temporal: ${(err as Error).message}`);
      return send(res, 503, { error: 'could not hand the event to Temporal; redeliver later' });
    }
    guard.commit(id, now());
    log(`[webhooks] ${about} handed to Temporal`);
    return send(res, 200, { received: true, id });
  };

  return http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`[webhooks] receiver error: ${(err as Error).message}`);
      if (!res.headersSent) send(res, 500, { error: 'receiver error' });
    });
  });
}
