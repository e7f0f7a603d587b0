// One HTTP exchange with Makini: auth header, timeout, request id and timing capture, a bounded
// body, classification of every failure. No retries here: retries belong to the workflows, and
// no redirects: a 307/308 would send a write (and its token) again to wherever it points.
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { z } from 'zod';
import { classifyHttpFailure, classifyNetworkFailure, classifyRedirect } from './classify-failure.js';
import { errorBodySchema } from './workflow/entities.js';
import { MakiniFailureType } from '../failures/workflow/failure-types.js';
import { MakiniHeader, MakiniPath } from './workflow/contract.js';
import { outcomeOfSuccessAnswer } from './outcome.js';
import { parseRetryAfter } from './retry-after.js';
import { redact, type Secret } from '../observability/secret.js';
import { MakiniError, makiniErrorFrom } from './errors.js';
import { FailureSpanAttr } from '../observability/workflow/failure-label.js';
import { currentSendWindow, notSentInfo, requestTimeoutIn, whyNotSend } from './send-window.js';

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
  /** A record, or the parameters of a link an answer named (kept as they are, repeated names included). */
  query?: Record<string, string | number | undefined> | URLSearchParams;
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

/** A path's parameter names, read from its MakiniPath builder (`(key, materialKey) => ...`). */
function paramNames(build: (...args: string[]) => string): string[] {
  // `(key, materialKey) =>` or, compiled, `key =>`.
  const params = /^\(?([^()=]*)\)?\s*=>/.exec(build.toString())?.[1] ?? '';
  const names = params.split(',').map((p) => p.split(':')[0]!.trim());
  return Array.from({ length: build.length }, (_, i) => names[i] || `param${i + 1}`);
}

/** Every MakiniPath as a route template (`/api/eam/purchase-orders/{key}`) and the pattern of its paths; static ones first. */
const ROUTES = Object.values(MakiniPath as Record<string, (...args: string[]) => string>)
  .map((build) => {
    const names = paramNames(build);
    // Placeholders encodeURIComponent leaves as they are, replaced by `{name}` and by a segment pattern.
    const marks = names.map((_, i) => `MAKINIPARAM${i}X`);
    let template = build(...marks);
    let pattern = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    marks.forEach((mark, i) => {
      template = template.replace(mark, `{${names[i]}}`);
      pattern = pattern.replace(mark, '[^/]+');
    });
    return { template, pattern: new RegExp(`^${pattern}$`), params: names.length };
  })
  .sort((a, b) => a.params - b.params);

/** The route template of a Makini path (`/api/eam/purchase-orders/{key}`), never the keys in it; `unknown` for no MakiniPath. */
export function makiniRouteTemplate(path: string): string {
  return ROUTES.find((r) => r.pattern.test(path))?.template ?? 'unknown';
}

const tracer = trace.getTracer('makini-writes');

/** Span attributes of a Makini call (no key, no body, no token: the route template only). */
export const MakiniSpanAttr = {
  method: 'http.request.method',
  route: 'http.route',
  status: 'http.response.status_code',
  errorCode: FailureSpanAttr.code,
  failureType: FailureSpanAttr.type,
  requestId: 'makini.request_id',
  retryAfterMs: 'makini.retry_after_ms',
} as const;

/** Sends one request and validates the 2xx body with `schema`; throws a classified `MakiniError`. */
export async function makiniRequest<S extends z.ZodType>(
  opts: HttpOptions,
  req: HttpRequest,
  schema: S,
): Promise<MakiniResult<z.infer<S>>> {
  const route = makiniRouteTemplate(req.path);
  // A span per call (a no-op unless tracing is on, src/observability/tracing.ts), child of the activity's.
  return tracer.startActiveSpan(
    `${req.method} ${route}`,
    { kind: SpanKind.CLIENT, attributes: { [MakiniSpanAttr.method]: req.method, [MakiniSpanAttr.route]: route } },
    async (span) => {
      try {
        const result = await sendRequest(opts, req, schema);
        span.setAttribute(MakiniSpanAttr.status, result.meta.status);
        if (result.meta.requestId) span.setAttribute(MakiniSpanAttr.requestId, result.meta.requestId);
        return result;
      } catch (err) {
        recordFailure(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

function recordFailure(span: Span, err: unknown): void {
  if (err instanceof MakiniError) {
    const { info } = err;
    if (info.status !== undefined) span.setAttribute(MakiniSpanAttr.status, info.status);
    if (info.code) span.setAttribute(MakiniSpanAttr.errorCode, info.code);
    if (info.requestId) span.setAttribute(MakiniSpanAttr.requestId, info.requestId);
    span.setAttribute(MakiniSpanAttr.failureType, info.type);
    if (info.retryAfterMs !== undefined) span.setAttribute(MakiniSpanAttr.retryAfterMs, info.retryAfterMs);
    // The classified type only: the message may quote what the system said about the record.
    span.setStatus({ code: SpanStatusCode.ERROR, message: info.type });
  } else {
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

async function sendRequest<S extends z.ZodType>(opts: HttpOptions, req: HttpRequest, schema: S): Promise<MakiniResult<z.infer<S>>> {
  const url = new URL(req.path, opts.baseUrl);
  if (req.query instanceof URLSearchParams) url.search = req.query.toString();
  else for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
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
  // Inside an activity attempt: its profile's request timeout, and never a request that could land
  // after the workflow stopped waiting for the attempt (checked at the last moment: nothing after
  // this check waits).
  const window = currentSendWindow();
  const timeoutMs = requestTimeoutIn(window, opts.timeoutMs);
  const notNow = whyNotSend(window, Date.now(), timeoutMs);
  if (notNow) throw makiniErrorFrom(notSentInfo(notNow, req.method, req.path));
  const started = Date.now();
  let res: Response;
  let text: string | undefined;
  try {
    res = await (opts.fetch ?? fetch)(url, {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
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
