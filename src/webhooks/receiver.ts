// The webhook receiver: POST /webhooks/makini. Verifies each delivery, hands the event to the
// connection's control workflow (signal-with-start) and answers 200 once Temporal has it (Makini
// wants an answer within 10 s; nothing is processed inline). If Temporal cannot take it, 503:
// Makini redelivers. The secret and signatures are never logged.
import http from 'node:http';
import type { Secret } from '../config/secret.js';
import type { ConnectionEvent } from '../connections/control-state.js';
import { ReplayGuard } from './replay-guard.js';
import { verifyDelivery } from './verify-delivery.js';

/** Path Makini is configured to deliver to. */
export const WEBHOOK_PATH = '/webhooks/makini';

const BODY_LIMIT_BYTES = 1024 * 1024;

export interface WebhookReceiverOptions {
  secret: Secret;
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

async function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
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
  const guard = new ReplayGuard(2 * opts.toleranceS * 1000);

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://receiver.invalid').pathname;
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { ok: true });
    if (path !== WEBHOOK_PATH) return send(res, 404, { error: `no such endpoint; Makini delivers to POST ${WEBHOOK_PATH}` });
    if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
    const rawBody = await readBody(req);
    if (!rawBody) return send(res, 413, { error: `body larger than ${BODY_LIMIT_BYTES} bytes` });
    const verdict = verifyDelivery({ headers: req.headers, rawBody, secret: opts.secret, toleranceS: opts.toleranceS, now: now(), guard });
    if (!verdict.ok) {
      log(`[webhooks] refused a delivery: ${verdict.status} ${verdict.reason}`);
      return send(res, verdict.status, { error: verdict.reason });
    }
    const { id, payload } = verdict;
    const event: ConnectionEvent = {
      id,
      type: payload.type,
      connectionId: payload.connectionId,
      receivedAt: now(),
      ...(payload.timestamp ? { occurredAt: payload.timestamp } : {}),
    };
    try {
      await withTimeout(opts.deliver(event), opts.handOffTimeoutMs ?? 5_000);
    } catch (err) {
      guard.release(id);
      log(`[webhooks] could not hand delivery ${id} (${payload.type}, ${payload.connectionId}) to Temporal: ${(err as Error).message}`);
      return send(res, 503, { error: 'could not hand the event to Temporal; redeliver later' });
    }
    guard.commit(id, now());
    log(`[webhooks] ${payload.type} for ${payload.connectionId} (delivery ${id}) handed to Temporal`);
    return send(res, 200, { received: true, id });
  };

  return http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`[webhooks] receiver error: ${(err as Error).message}`);
      if (!res.headersSent) send(res, 500, { error: 'receiver error' });
    });
  });
}
