// Codec server for the Temporal UI and CLI (`--ui-codec-endpoint`): POST /encode and /decode with
// `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`, CORS for the UI's origin, and a
// bearer token so only authorised people read decrypted payloads.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const b64 = (u: Uint8Array | null | undefined) => Buffer.from(u ?? new Uint8Array()).toString('base64');
const toPayload = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
  data: b64(p.data),
});

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Token expected in `Authorization: Bearer ...`. */
  authToken: string;
  /** Origins allowed by CORS (the Temporal UI), e.g. http://localhost:8233. */
  allowedOrigins: string[];
  maxBodyBytes?: number;
}

/** Key of the token comparison, new for each process: digests of it are worthless elsewhere. */
const TOKEN_HMAC_KEY = randomBytes(32);
const tokenDigest = (token: string) => createHmac('sha256', TOKEN_HMAC_KEY).update(token, 'utf8').digest();

/**
 * Compares the HMACs of both tokens: always 32 bytes against 32 bytes, in constant time, so that
 * neither the expected token's content nor its length shows in the time an answer takes.
 */
function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(tokenDigest(given), tokenDigest(expected));
}

/** The body, or `undefined` once it passes `limit` (what follows is read and dropped, see refuseTooLarge). */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > limit) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** How long the rest of a refused body is read (and dropped) before the connection is closed. */
const LINGER_MS = 2_000;

/** Creates (not started) the codec HTTP server. */
export function createCodecServer(opts: CodecServerOptions): Server {
  const limit = opts.maxBodyBytes ?? 8 * 1024 * 1024;
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    if (origin && opts.allowedOrigins.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('access-control-allow-headers', 'authorization, content-type, x-namespace');
      res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
      res.setHeader('vary', 'origin');
    }
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') return send(204);
    const route = req.url?.split('?')[0];
    if (req.method !== 'POST' || (route !== '/encode' && route !== '/decode')) return send(404, { error: 'POST /encode or /decode' });
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), opts.authToken)) return send(401, { error: 'unauthorized' });
    readBody(req, limit)
      .then(async (text) => {
        if (text === undefined) {
          // Answer first, then close: closing while the client still sends would reset the
          // connection and lose the answer. The rest of the body is dropped for a short while.
          res.setHeader('connection', 'close');
          res.on('finish', () => setTimeout(() => req.destroy(), LINGER_MS).unref());
          return send(413, { error: `body larger than ${limit} bytes` });
        }
        const body = JSON.parse(text) as { payloads?: JsonPayload[] };
        if (!Array.isArray(body.payloads)) return send(400, { error: 'expected { payloads: [...] }' });
        const payloads = body.payloads.map(toPayload);
        const out = route === '/encode' ? await opts.codec.encode(payloads) : await opts.codec.decode(payloads);
        send(200, { payloads: out.map(toJson) });
      })
      .catch((err: Error) => send(400, { error: err.message }));
  });
}
