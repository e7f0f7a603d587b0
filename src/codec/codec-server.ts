// Codec server for the Temporal UI and CLI (`--ui-codec-endpoint`): POST /encode and /decode with
// `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`, CORS for the UI's origin, and a
// bearer token so only authorised people read decrypted payloads.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
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

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

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
        const body = JSON.parse(text) as { payloads?: JsonPayload[] };
        if (!Array.isArray(body.payloads)) return send(400, { error: 'expected { payloads: [...] }' });
        const payloads = body.payloads.map(toPayload);
        const out = route === '/encode' ? await opts.codec.encode(payloads) : await opts.codec.decode(payloads);
        send(200, { payloads: out.map(toJson) });
      })
      .catch((err: Error & { status?: number }) => send(err.status ?? 400, { error: err.message }));
  });
}
