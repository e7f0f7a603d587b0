// Codec server for the Temporal UI and CLI (`--ui-codec-endpoint`): POST /encode and /decode with
// `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`, CORS for the UI's origin, and only for
// authorised callers: a shared bearer token (the CLI), the signed-in user's OIDC access token the
// Temporal UI passes (verified against the identity provider, access-token.ts), or, for the
// loopback codec server of `npm start` whose UI has no sign-in, a secret first path segment.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { accessTokenVerifier, type OidcOptions } from './access-token.js';

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
  /** Shared token accepted in `Authorization: Bearer ...` (CODEC_SERVER_TOKEN). */
  authToken?: string;
  /** Identity provider whose access tokens are accepted in `Authorization: Bearer ...` (CODEC_SERVER_OIDC_*). */
  oidc?: OidcOptions;
  /**
   * A secret first path segment (`/<pathToken>/decode`) that authorises by itself, and without
   * which nothing is served: for a codec server on loopback whose UI sends no token (`npm start`).
   */
  pathToken?: string;
  /** Origins allowed by CORS (the Temporal UI), e.g. http://localhost:8233. */
  allowedOrigins: string[];
  maxBodyBytes?: number;
  /** Why a caller was refused (never its token). */
  log?: (msg: string) => void;
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
  if (!opts.authToken && !opts.oidc && !opts.pathToken)
    throw new Error('codec server: no way to authorise a caller (authToken, oidc or pathToken)');
  const limit = opts.maxBodyBytes ?? 8 * 1024 * 1024;
  const verifyAccessToken = opts.oidc ? accessTokenVerifier(opts.oidc) : undefined;
  /** The bearer token is the shared one (compared in constant time) or an access token of the identity provider. */
  const authorised = async (auth: string): Promise<boolean> => {
    if (!auth.startsWith('Bearer ')) return false;
    const token = auth.slice(7);
    if (opts.authToken !== undefined && sameToken(token, opts.authToken)) return true;
    if (!verifyAccessToken) return false;
    const verdict = await verifyAccessToken(token);
    if (!verdict.ok) opts.log?.(`[codec-server] refused an access token: ${verdict.reason}`);
    return verdict.ok;
  };
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
    let route = req.url?.split('?')[0] ?? '';
    if (opts.pathToken !== undefined) {
      const [, first = '', ...rest] = route.split('/');
      // Unknown paths answer as a wrong secret does: nothing tells a prober which part was wrong.
      if (!sameToken(first, opts.pathToken)) return send(404, { error: 'POST /encode or /decode' });
      route = `/${rest.join('/')}`;
    }
    if (req.method !== 'POST' || (route !== '/encode' && route !== '/decode')) return send(404, { error: 'POST /encode or /decode' });
    const check =
      opts.pathToken !== undefined && !opts.authToken && !opts.oidc ? Promise.resolve(true) : authorised(req.headers.authorization ?? '');
    check
      .then(async (ok) => {
        if (!ok) return send(401, { error: 'unauthorized' });
        const text = await readBody(req, limit);
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
