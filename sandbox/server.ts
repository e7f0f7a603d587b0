// The public API pipeline: route → auth → injected fault → write limit → handler → answer → log.
// Faults and the write limit come after auth: a wrong token is a 401 whatever is scripted.
import http, { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { MakiniErrorCode, MakiniHeader } from '../src/makini/contract.js';
import { handleAdmin, isAdminPath } from './admin.js';
import { codeForStatus, notFound, SANDBOX_METHOD_NOT_ALLOWED, SandboxHttpError, validationFailed } from './errors.js';
import type { ActiveFault } from './faults.js';
import type { Handler, HandlerResult } from './handler.js';
import type { Registry, SandboxConnection } from './registry.js';
import { beginExchange, dropSocket, elapsedMs, imfFixdate, readBody, sendError, sendJson, sendRaw, type Exchange } from './respond.js';
import { isWriteMethod, matchRoute } from './routes.js';

export interface ServerDeps {
  registry: Registry;
  log?: (line: string) => void;
  /** Aborted on close: pending delays end and their sockets are dropped. */
  signal: AbortSignal;
}

const BODY_LIMIT_BYTES = 10 * 1024 * 1024;
const SLOW_DEFAULT_MS = 1000;

export function createSandboxServer(deps: ServerDeps): http.Server {
  const server = http.createServer((req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      // A sandbox bug, not an injected fault: say so loudly rather than look like a Makini 500.
      const msg = `makini sandbox bug on ${req.method} ${req.url}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`;
      (deps.log ?? console.error)(msg);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(msg);
      }
    });
  });
  return server;
}

async function handle(deps: ServerDeps, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const x = beginExchange(req, res);
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  let body: { text: string; tooLarge: boolean };
  try {
    body = await readBody(req, BODY_LIMIT_BYTES);
  } catch {
    return; // the client went away mid-request
  }
  if (isAdminPath(url.pathname)) return handleAdmin(deps.registry, x, method, url, body.text);
  await handlePublic(deps, x, method, url, body);
}

function bearerToken(req: http.IncomingMessage): string | undefined {
  const header = req.headers[MakiniHeader.authorization];
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}

/** Retry-After as delta-seconds, as an HTTP-date, or absent, as the fault says. */
function retryAfter(f: Pick<ActiveFault, 'retryAfterSeconds' | 'retryAfterDate'>): Record<string, string> {
  if (f.retryAfterDate) {
    // Rounded up to a whole second: waiting until the date always waits at least the seconds.
    const at = Math.ceil((Date.now() + (f.retryAfterSeconds ?? 1) * 1000) / 1000) * 1000;
    return { [MakiniHeader.retryAfter]: imfFixdate(at) };
  }
  return f.retryAfterSeconds === undefined ? {} : { [MakiniHeader.retryAfter]: String(f.retryAfterSeconds) };
}

const GATEWAY_MESSAGES: Record<number, string> = {
  500: 'The connected system failed to process the request',
  502: 'Bad gateway: the connected system returned an invalid answer',
  503: 'The service is temporarily unavailable',
  504: 'Gateway timeout: the connected system did not answer in time',
};
const gatewayMessage = (status: number) => GATEWAY_MESSAGES[status] ?? STATUS_CODES[status] ?? 'Error';

const htmlPage = (status: number) => {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
};

async function handlePublic(deps: ServerDeps, x: Exchange, method: string, url: URL, raw: { text: string; tooLarge: boolean }): Promise<void> {
  const path = url.pathname;
  const token = bearerToken(x.req);
  const conn: SandboxConnection | undefined = token ? deps.registry.byToken(token) : undefined;
  const entry = {
    time: x.receivedAt.toISOString(), method, path, query: url.search.slice(1), requestId: x.requestId,
    writeApplied: false, operation: undefined as string | undefined, fault: undefined as string | undefined,
    errorCode: undefined as string | undefined, body: undefined as unknown,
  };
  const finish = (status: number, outcome: 'answered' | 'dropped') => {
    const durationMs = elapsedMs(x);
    conn?.record({ ...entry, status, outcome, durationMs });
    deps.log?.(`${method} ${path}${url.search} → ${outcome === 'dropped' ? 'dropped' : status} ${x.requestId} ${Math.round(durationMs)}ms` +
      `${conn ? ` [${conn.id}]` : ''}${entry.fault ? ` fault=${entry.fault}` : ''}${entry.writeApplied ? ' (write applied)' : ''}`);
  };
  const answerError = (err: SandboxHttpError) => {
    entry.errorCode = err.code;
    sendError(x, err);
    finish(err.status, 'answered');
  };
  const drop = () => {
    dropSocket(x);
    finish(0, 'dropped');
  };

  const match = matchRoute(method, path);
  if (match.kind === 'not-found' || match.kind === 'bad-path') return answerError(notFound(`endpoint ${method} ${path}`));
  if (match.kind === 'method-not-allowed') {
    const why = method === 'DELETE'
      ? 'nothing can be deleted through Makini: cancel or close the record with a status change instead'
      : `${method} is not supported here`;
    return answerError(new SandboxHttpError(405, SANDBOX_METHOD_NOT_ALLOWED, `${why} (${path} allows ${match.allowed.join(', ')})`,
      undefined, { allow: match.allowed.join(', ') }));
  }
  entry.operation = match.operation.name;
  if (!conn) {
    return answerError(new SandboxHttpError(401, MakiniErrorCode.authenticationFailed, token
      ? 'The bearer token is not valid for any connection (expired, revoked or re-issued)'
      : `Missing bearer token: send ${MakiniHeader.authorization}: Bearer <token>`));
  }
  if (conn.needsReauthorization) return answerError(needsReauthorization(conn));

  const isWrite = isWriteMethod(method);
  let parsed: unknown;
  let badBody: SandboxHttpError | undefined;
  if (raw.tooLarge) badBody = validationFailed([{ field: '(body)', message: `is larger than ${BODY_LIMIT_BYTES} bytes` }]);
  else if (isWrite && raw.text.trim() !== '') {
    try {
      parsed = JSON.parse(raw.text);
    } catch {
      badBody = validationFailed([{ field: '(body)', message: 'is not valid JSON' }]);
    }
  }
  if (isWrite) entry.body = parsed;

  const fault = conn.faults.take(method, path) ?? deps.registry.chaosFor(conn)?.roll(method);
  if (fault) {
    entry.fault = `${fault.source}:${fault.kind}`;
    conn.store.counters.faulted += 1;
  }
  const delay = fault?.delayMs ?? (fault?.kind === 'slow' ? SLOW_DEFAULT_MS : 0);
  if (delay > 0) {
    try {
      await sleep(delay, undefined, { signal: deps.signal });
    } catch {
      return drop(); // the sandbox is closing
    }
  }

  // Faults that answer instead of the system: nothing is written.
  switch (fault?.kind) {
    case 'rate-limit':
      return answerError(new SandboxHttpError(429, MakiniErrorCode.rateLimitExceeded,
        'Too many requests for this connection; retry later', undefined, retryAfter(fault)));
    case 'server-error': {
      const status = fault.status ?? 500;
      return answerError(new SandboxHttpError(status, codeForStatus(status), fault.message ?? gatewayMessage(status), undefined,
        status === 503 ? retryAfter(fault) : {}));
    }
    case 'html-error': {
      const status = fault.status ?? 502;
      sendRaw(x, status, htmlPage(status), 'text/html');
      return finish(status, 'answered');
    }
    case 'empty-error': {
      const status = fault.status ?? 502;
      sendRaw(x, status, '', undefined);
      return finish(status, 'answered');
    }
    case 'drop':
      return drop();
    case 'unauthorized':
      conn.needsReauthorization = true;
      return answerError(needsReauthorization(conn));
    case 'reject': {
      const status = fault.status ?? 400;
      return answerError(new SandboxHttpError(status, fault.code ?? codeForStatus(status),
        fault.message ?? 'The connected system refused the request'));
    }
    default:
      break;
  }

  if (isWrite) {
    const admission = conn.limiter.tryAcquire(Date.now());
    if (!admission.ok) {
      conn.store.counters.rateLimited += 1;
      return answerError(new SandboxHttpError(429, MakiniErrorCode.rateLimitExceeded,
        `Write rate limit of ${conn.limiter.limit} per minute reached for this connection; retry after ${admission.retryAfterSeconds} s`,
        undefined, { [MakiniHeader.retryAfter]: String(admission.retryAfterSeconds) }));
    }
  }

  const result = runHandler(x, conn, match.operation.handler, match.params, url, parsed, badBody);
  const counters = conn.store.counters;
  if (isWrite) {
    counters.attempted += 1;
    if (result instanceof SandboxHttpError) counters.refused += 1;
    else if (result.applied) {
      counters.applied += 1;
      counters.byOperation[entry.operation] = (counters.byOperation[entry.operation] ?? 0) + 1;
    }
  }
  entry.writeApplied = !(result instanceof SandboxHttpError) && result.applied;

  // Faults after the system answered: the write stays; the answer is lost or garbled.
  switch (fault?.kind) {
    case 'commit-then-fail': {
      const status = fault.status ?? 504;
      return answerError(new SandboxHttpError(status, codeForStatus(status), fault.message ?? gatewayMessage(status)));
    }
    case 'commit-then-drop':
      return drop();
    case 'malformed-success':
      sendRaw(x, 200, fault.body ?? '{"data":{"nokey":true}}', 'application/json; charset=utf-8');
      return finish(200, 'answered');
    default:
      break;
  }
  if (result instanceof SandboxHttpError) return answerError(result);
  sendJson(x, result.status, result.body);
  finish(result.status, 'answered');
}

function needsReauthorization(conn: SandboxConnection): SandboxHttpError {
  return new SandboxHttpError(401, MakiniErrorCode.authenticationFailed,
    `Connection ${conn.id} needs reauthorization: the credentials of the connected system changed or expired`);
}

function runHandler(x: Exchange, conn: SandboxConnection, handler: Handler,
  params: string[], url: URL, body: unknown, badBody: SandboxHttpError | undefined): HandlerResult | SandboxHttpError {
  if (badBody) return badBody;
  const host = x.req.headers.host ?? 'localhost';
  try {
    return handler({
      connectionId: conn.id, store: conn.store, system: conn.system, params, query: url.searchParams, body,
      endpointUrl: `http://${host}${url.pathname}`, now: new Date(),
    });
  } catch (err) {
    if (err instanceof SandboxHttpError) return err;
    throw err;
  }
}
