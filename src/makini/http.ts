// One HTTP exchange with Makini: auth header, timeout, request id and timing capture, a bounded
// body, classification of every failure. No retries here: retries belong to the workflows, and
// no redirects: a 307/308 would send a write (and its token) again to wherever it points.
import type { z } from 'zod';
import { classifyHttpFailure, classifyNetworkFailure, classifyRedirect } from './classify-failure.js';
import { errorBodySchema } from './entities.js';
import { MakiniFailureType } from '../failures.js';
import { MakiniHeader } from './contract.js';
import { outcomeOfSuccessAnswer } from './outcome.js';
import { parseRetryAfter } from './retry-after.js';
import { redact, type Secret } from '../config/secret.js';
import { makiniErrorFrom } from './errors.js';

/** What each call reports for step timing. */
export interface CallMeta {
  method: string;
  path: string;
  status: number;
  requestId?: string;
  processingTimeMs?: number;
  durationMs: number;
}

export interface MakiniResult<T> {
  data: T;
  meta: CallMeta;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  token: Secret;
}

export interface HttpOptions {
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

function numberHeader(h: Headers, name: string): number | undefined {
  const v = h.get(name);
  if (v == null) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Bodies larger than this are not read: no answer of the endpoints used comes near it (a page of
 * 100 records is tens of KiB), and a bigger one would be held in memory and parsed whole. Such an
 * answer is opaque: a 2xx one cannot prove a write (it may have landed), an error one is judged by
 * its status.
 */
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_BODY = '1 MiB';

/** The body as text, or undefined when it is larger than MAX_BODY_BYTES (then the rest is not read). */
async function readBounded(res: Response): Promise<string | undefined> {
  if (Number(res.headers.get('content-length')) > MAX_BODY_BYTES) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Whether fetch refused a redirect (`redirect: 'error'`); undici says so only in the cause's message. */
function isRefusedRedirect(err: unknown): boolean {
  return (err as { cause?: { message?: unknown } }).cause?.message === 'unexpected redirect';
}

/** Network error codes meaning the request never reached the server. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function describeNetworkError(err: unknown): { reason: string; connected: boolean } {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return { reason: 'timed out', connected: true };
  const code = e.cause?.code;
  return { reason: code ?? e.cause?.message ?? e.message ?? 'unknown error', connected: !(code && NOT_CONNECTED.has(code)) };
}

/** Sends one request and validates the 2xx body with `schema`; throws a classified `MakiniError`. */
export async function makiniRequest<S extends z.ZodType>(
  opts: HttpOptions,
  req: HttpRequest,
  schema: S,
): Promise<MakiniResult<z.infer<S>>> {
  const url = new URL(req.path, opts.baseUrl);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const token = req.token.reveal();
  let headers: Headers;
  try {
    headers = new Headers({ [MakiniHeader.authorization]: `Bearer ${token}`, accept: 'application/json' });
  } catch {
    // Only the token varies here. The error quotes the whole header value, token included: not used.
    throw makiniErrorFrom({
      type: MakiniFailureType.connectionConfig,
      message: `${req.method} ${req.path} → not sent: the connection's token is not a valid Authorization header value (a bearer token is visible ASCII only)`,
      retryable: false,
      ambiguous: false,
      method: req.method,
      path: req.path,
    });
  }
  if (req.body !== undefined) headers.set('content-type', 'application/json');
  const started = Date.now();
  let res: Response;
  let text: string | undefined;
  try {
    res = await (opts.fetch ?? fetch)(url, {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      redirect: 'error',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    text = await readBounded(res);
  } catch (err) {
    if (isRefusedRedirect(err)) throw makiniErrorFrom(classifyRedirect(req.method, req.path));
    const { reason, connected } = describeNetworkError(err);
    throw makiniErrorFrom(classifyNetworkFailure(req.method, req.path, redact(reason, [token]), connected));
  }
  const meta: CallMeta = {
    method: req.method,
    path: req.path,
    status: res.status,
    requestId: res.headers.get(MakiniHeader.requestId) ?? undefined,
    processingTimeMs: numberHeader(res.headers, MakiniHeader.processingTimeMs),
    durationMs: Date.now() - started,
  };
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.ok) {
    let why: string;
    if (text === undefined) {
      why = `larger than ${MAX_BODY}, not read`;
    } else {
      const parsed = schema.safeParse(json);
      if (parsed.success) return { data: parsed.data, meta };
      why =
        json === undefined
          ? 'not JSON'
          : parsed.error.issues
              .slice(0, 3)
              .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
              .join('; ');
    }
    throw makiniErrorFrom({
      type: MakiniFailureType.malformedResponse,
      status: res.status,
      message: `${req.method} ${req.path} → ${res.status} with a body that breaks the contract (${why})`,
      requestId: meta.requestId,
      // A read can be repeated safely (a garbled answer may be a proxy's); a write only after the
      // lookup its uncertainty calls for has shown it did not land (the step runner looks first).
      retryable: true,
      // The call succeeded as far as HTTP goes: a write may well have happened, we just cannot read its answer.
      ambiguous: req.method !== 'GET' && outcomeOfSuccessAnswer(false) === 'may-have-landed',
      method: req.method,
      path: req.path,
      processingTimeMs: meta.processingTimeMs,
    });
  }
  const errBody = errorBodySchema.safeParse(json);
  const e = errBody.success ? errBody.data.error : undefined;
  const makiniMessage = e?.message === undefined ? undefined : redact(e.message, [token]);
  throw makiniErrorFrom(
    classifyHttpFailure({
      method: req.method,
      path: req.path,
      status: res.status,
      code: e?.code,
      errorType: e?.type,
      message: text === undefined ? `the body is larger than ${MAX_BODY}, not read` : makiniMessage,
      requestId: meta.requestId ?? e?.request_id,
      retryAfterMs: parseRetryAfter(res.headers.get(MakiniHeader.retryAfter)),
      processingTimeMs: meta.processingTimeMs,
      opaqueBody: !e,
    }),
  );
}
