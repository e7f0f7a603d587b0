// Writing answers: every one carries X-Request-Id and X-Processing-Time-Ms, as Makini's do.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MakiniHeader } from '../src/makini/workflow/contract.js';
import { errorBody, type SandboxHttpError } from './errors.js';

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  startedAt: number;
  receivedAt: Date;
}

export function beginExchange(req: IncomingMessage, res: ServerResponse): Exchange {
  return { req, res, requestId: `req_${randomBytes(12).toString('hex')}`, startedAt: performance.now(), receivedAt: new Date() };
}

export const elapsedMs = (x: Exchange) => Math.round((performance.now() - x.startedAt) * 10) / 10;

/** Sends a raw body; false when the client had gone away (e.g. it timed out before a late answer). */
export function sendRaw(
  x: Exchange,
  status: number,
  body: string,
  contentType: string | undefined,
  headers: Record<string, string> = {},
): boolean {
  if (x.res.destroyed || x.res.headersSent || x.req.socket.destroyed) return false;
  const all: Record<string, string> = {
    ...headers,
    [MakiniHeader.requestId]: x.requestId,
    [MakiniHeader.processingTimeMs]: String(Math.max(0, Math.round(elapsedMs(x)))),
    'content-length': String(Buffer.byteLength(body)),
  };
  if (contentType) all['content-type'] = contentType;
  x.res.writeHead(status, all);
  x.res.end(body);
  return true;
}

export const sendJson = (x: Exchange, status: number, value: unknown, headers?: Record<string, string>) =>
  sendRaw(x, status, JSON.stringify(value), 'application/json; charset=utf-8', headers);

export const sendError = (x: Exchange, err: SandboxHttpError) =>
  sendJson(x, err.status, errorBody(err.status, err.code, err.message, x.requestId, err.details), err.headers);

/** Closes the connection without a byte of answer (a proxy or network failure). */
export function dropSocket(x: Exchange): void {
  x.req.socket.destroy();
}

/** RFC 9110 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`. */
export const imfFixdate = (ms: number) => new Date(ms).toUTCString();

/** Reads the whole request body (bounded). */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limitBytes) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve({ text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', reject);
  });
}
