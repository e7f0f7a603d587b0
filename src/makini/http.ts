// One HTTP exchange with Makini: auth header, timeout, request id and timing capture,
// classification of every failure. No retries here: retries belong to the workflows.
import type { z } from 'zod';
import { classifyHttpFailure, classifyNetworkFailure } from './classify-failure.js';
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
  const headers: Record<string, string> = {
    [MakiniHeader.authorization]: `Bearer ${req.token.reveal()}`,
    accept: 'application/json',
  };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  const started = Date.now();
  let res: Response;
  let text: string;
  try {
    res = await (opts.fetch ?? fetch)(url, {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const { reason, connected } = describeNetworkError(err);
    throw makiniErrorFrom(classifyNetworkFailure(req.method, req.path, redact(reason), connected));
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
    const parsed = schema.safeParse(json);
    if (parsed.success) return { data: parsed.data, meta };
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
      .join('; ');
    throw makiniErrorFrom({
      type: MakiniFailureType.malformedResponse,
      status: res.status,
      message: `${req.method} ${req.path} → ${res.status} with a body that breaks the contract (${json === undefined ? 'not JSON' : where})`,
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
  throw makiniErrorFrom(
    classifyHttpFailure({
      method: req.method,
      path: req.path,
      status: res.status,
      code: e?.code,
      errorType: e?.type,
      message: e?.message === undefined ? undefined : redact(e.message, [req.token.reveal()]),
      requestId: meta.requestId ?? e?.request_id,
      retryAfterMs: parseRetryAfter(res.headers.get(MakiniHeader.retryAfter)),
      processingTimeMs: meta.processingTimeMs,
      opaqueBody: !e,
    }),
  );
}
