// The public API pipeline: route → auth → injected fault → write limit → handler → answer → log.
// Faults and the write limit come after auth: a wrong token is a 401 whatever is scripted. A fault
// answers either instead of the system (the request did not reach it) or after it (the write
// landed and only the answer is lost, late or garbled): see faults.ts.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { MakiniErrorCode, MakiniHeader, MakiniPath } from '../src/makini/workflow/contract.js';
import { handleAdmin, isAdminPath } from './admin.js';
import { presentValues } from './behaviour.js';
import { notFound, SANDBOX_METHOD_NOT_ALLOWED, SandboxHttpError, validationFailed } from './errors.js';
import { faultAnswer } from './fault-answers.js';
import { handleTokenEndpoint } from './oauth.js';
import { faultCommits, faultLabel, waitAfterSystemMs, waitBeforeSystemMs, type ActiveFault } from './faults.js';
import type { Handler, HandlerResult } from './handler.js';
import type { Registry, RequestLogEntry, SandboxConnection } from './registry.js';
import { beginExchange, dropSocket, elapsedMs, readBody, sendError, sendJson, sendRaw, type Exchange } from './respond.js';
import { isWriteMethod, matchRoute } from './routes.js';
import { nativeRequestOf, passthroughFaultPath } from './passthrough.js';

export interface ServerDeps {
  registry: Registry;
  log?: (line: string) => void;
  /** Aborted on close: pending delays end and their sockets are dropped. */
  signal: AbortSignal;
}

const BODY_LIMIT_BYTES = 10 * 1024 * 1024;

export function createSandboxServer(deps: ServerDeps): http.Server {
  const server = http.createServer((req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      // A sandbox bug, not an injected fault: say so loudly rather than look like a Makini 500.
      const msg = `makini sandbox bug on ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
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
  if (url.pathname === MakiniPath.linkToken()) return handleTokenEndpoint(deps.registry, x, method, body.text, deps.log);
  await handlePublic(deps, x, method, url, body);
}

function bearerToken(req: http.IncomingMessage): string | undefined {
  const header = req.headers[MakiniHeader.authorization];
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}

async function handlePublic(
  deps: ServerDeps,
  x: Exchange,
  method: string,
  url: URL,
  raw: { text: string; tooLarge: boolean },
): Promise<void> {
  const path = url.pathname;
  const token = bearerToken(x.req);
  const conn: SandboxConnection | undefined = token ? deps.registry.byToken(token) : undefined;
  const entry = {
    time: x.receivedAt.toISOString(),
    method,
    path,
    query: url.search.slice(1),
    requestId: x.requestId,
    writeApplied: false,
    operation: undefined as string | undefined,
    fault: undefined as string | undefined,
    errorCode: undefined as string | undefined,
    body: undefined as unknown,
  };
  // `abandoned`: the client gave up (its timeout) before a late answer, which then reached no one.
  const finish = (status: number, outcome: RequestLogEntry['outcome']) => {
    const durationMs = elapsedMs(x);
    conn?.inFlight.delete(x.requestId);
    conn?.record({ ...entry, status, outcome, durationMs });
    deps.log?.(
      `${method} ${path}${url.search} → ${outcome === 'answered' ? status : `${outcome} ${status || ''}`.trim()} ${x.requestId} ${Math.round(durationMs)}ms` +
        `${conn ? ` [${conn.id}]` : ''}${entry.fault ? ` fault=${entry.fault}` : ''}${entry.writeApplied ? ' (write applied)' : ''}`,
    );
  };
  const answerError = (err: SandboxHttpError) => {
    entry.errorCode = err.code;
    finish(err.status, sendError(x, err) ? 'answered' : 'abandoned');
  };
  const drop = () => {
    dropSocket(x);
    finish(0, 'dropped');
  };

  const match = matchRoute(method, path);
  if (match.kind === 'not-found' || match.kind === 'bad-path') return answerError(notFound(`endpoint ${method} ${path}`));
  if (match.kind === 'method-not-allowed') {
    const why =
      method === 'DELETE'
        ? 'nothing can be deleted through Makini: cancel or close the record with a status change instead'
        : `${method} is not supported here`;
    return answerError(
      new SandboxHttpError(405, SANDBOX_METHOD_NOT_ALLOWED, `${why} (${path} allows ${match.allowed.join(', ')})`, undefined, {
        allow: match.allowed.join(', '),
      }),
    );
  }
  entry.operation = match.operation.name;
  if (!conn) {
    return answerError(
      new SandboxHttpError(
        401,
        MakiniErrorCode.authenticationFailed,
        token
          ? 'The bearer token is not valid for any connection (expired, revoked or re-issued)'
          : `Missing bearer token: send ${MakiniHeader.authorization}: Bearer <token>`,
      ),
    );
  }
  if (token && conn.oauth?.expired(token, Date.now())) {
    return answerError(new SandboxHttpError(401, MakiniErrorCode.authenticationFailed, 'The access token has expired: refresh it'));
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
  const { time, query, requestId, body } = entry;
  conn.inFlight.set(x.requestId, { time, method, path, query, requestId, body });

  // A passthrough call is matched by its inner request too (passthroughFaultPath).
  const inner = match.operation.name === 'passthrough' ? nativeRequestOf(parsed).req : undefined;
  const faultPath = inner ? passthroughFaultPath(inner) : path;
  // Chaos tells reads from writes by what reaches the system: a passthrough's inner method.
  const fault =
    conn.faults.take(method, faultPath) ??
    deps.registry.chaosFor(conn)?.roll(inner ? inner.method.toUpperCase() : method, { passthrough: inner !== undefined });
  if (fault) {
    entry.fault = faultLabel(fault);
    conn.store.counters.faulted += 1;
  }
  const answerFault = (f: ActiveFault) => {
    const answer = faultAnswer(f);
    switch (answer?.type) {
      case undefined:
        return false;
      case 'drop':
        drop();
        return true;
      case 'needs-reauthorization':
        conn.needsReauthorization = true;
        answerError(needsReauthorization(conn));
        return true;
      case 'error':
        answerError(new SandboxHttpError(answer.status, answer.code, answer.message, undefined, answer.headers));
        return true;
      case 'raw':
        finish(answer.status, sendRaw(x, answer.status, answer.body, answer.contentType, answer.headers) ? 'answered' : 'abandoned');
        return true;
    }
  };

  if (!(await pause(waitBeforeSystemMs(fault), deps.signal))) return drop();
  // Faults that answer instead of the system: the request did not reach it this time.
  if (fault && !faultCommits(fault)) {
    answerFault(fault);
    return;
  }

  if (isWrite) {
    const admission = conn.limiter.tryAcquire(Date.now());
    if (!admission.ok) {
      conn.store.counters.rateLimited += 1;
      return answerError(
        new SandboxHttpError(
          429,
          MakiniErrorCode.rateLimitExceeded,
          `Write rate limit of ${conn.limiter.limit} per minute reached for this connection; retry after ${admission.retryAfterSeconds} s`,
          undefined,
          { [MakiniHeader.retryAfter]: String(admission.retryAfterSeconds) },
        ),
      );
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

  // After the system answered: the write stays; the answer comes late, garbled or not at all.
  if (!(await pause(waitAfterSystemMs(fault), deps.signal))) return drop();
  if (fault && answerFault(fault)) return;
  if (result instanceof SandboxHttpError) return answerError(result);
  finish(result.status, sendJson(x, result.status, presentValues(conn.behaviour, result.body)) ? 'answered' : 'abandoned');
}

/** Waits `ms`; false when the sandbox closed meanwhile (the caller drops the socket). */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return true;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function needsReauthorization(conn: SandboxConnection): SandboxHttpError {
  return new SandboxHttpError(
    401,
    MakiniErrorCode.authenticationFailed,
    `Connection ${conn.id} needs reauthorization: the credentials of the connected system changed or expired`,
  );
}

function runHandler(
  x: Exchange,
  conn: SandboxConnection,
  handler: Handler,
  params: string[],
  url: URL,
  body: unknown,
  badBody: SandboxHttpError | undefined,
): HandlerResult | SandboxHttpError {
  if (badBody) return badBody;
  const host = x.req.headers.host ?? 'localhost';
  try {
    return handler({
      connectionId: conn.id,
      store: conn.store,
      system: conn.system,
      behaviour: conn.behaviour,
      params,
      query: url.searchParams,
      body,
      endpointUrl: `http://${host}${url.pathname}`,
      now: new Date(),
    });
  } catch (err) {
    if (err instanceof SandboxHttpError) return err;
    throw err;
  }
}
