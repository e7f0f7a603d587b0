// OData $batch bodies (multipart/mixed, OData 4.0 Part 1 §11.7 "Batch Requests"): parts separated
// by `--boundary`, each `application/http` part an HTTP request or response of its own. Pure text
// in, text out; shared by the Dynamics dialect and the sandbox's stand-in.

/** One `application/http` part: its MIME headers, the HTTP start line, headers (lower case) and body. */
export interface HttpPart {
  mime: Record<string, string>;
  startLine: string;
  headers: Record<string, string>;
  body: string;
}

const CRLF = '\r\n';

function headerBlock(text: string): { headers: Record<string, string>; rest: string } {
  const norm = text.replace(/\r\n/g, '\n');
  const end = norm.indexOf('\n\n');
  const head = end < 0 ? norm : norm.slice(0, end);
  const rest = end < 0 ? '' : norm.slice(end + 2);
  const headers: Record<string, string> = {};
  for (const line of head.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, rest };
}

/** The boundary a `multipart/mixed; boundary=…` content type names. */
export const boundaryOf = (contentType: string | undefined): string | undefined => /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];

/** The parts between `--boundary` lines (preamble and epilogue dropped). */
export function splitParts(text: string, boundary: string): string[] {
  const norm = text.replace(/\r\n/g, '\n');
  const end = norm.indexOf(`--${boundary}--`);
  const body = end < 0 ? norm : norm.slice(0, end);
  return body
    .split(`--${boundary}\n`)
    .slice(1)
    .map((p) => p.replace(/\n$/, ''));
}

/** An `application/http` part: MIME headers, then the HTTP message. */
export function parseHttpPart(part: string): HttpPart {
  const mime = headerBlock(part);
  const firstNl = mime.rest.indexOf('\n');
  const startLine = (firstNl < 0 ? mime.rest : mime.rest.slice(0, firstNl)).trim();
  const http = headerBlock(firstNl < 0 ? '' : mime.rest.slice(firstNl + 1));
  return { mime: mime.headers, startLine, headers: http.headers, body: http.rest.trim() };
}

/** The MIME headers of a part and what follows them (a nested multipart's body). */
export const partHeaders = (part: string) => headerBlock(part);

/** An `application/http` part's text. */
export function httpPart(contentId: string | undefined, startLine: string, headers: Record<string, string>, body: string): string {
  return [
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    ...(contentId ? [`Content-ID: ${contentId}`] : []),
    '',
    startLine,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    '',
    body,
  ].join(CRLF);
}

/** A multipart body of the given parts. */
export const multipart = (boundary: string, parts: readonly string[]) =>
  `${parts.map((p) => `--${boundary}${CRLF}${p}${CRLF}`).join('')}--${boundary}--${CRLF}`;

/** A batch holding one changeset of the given parts. */
export function changesetBatch(batch: string, changeset: string, parts: readonly string[]): string {
  return multipart(batch, [`Content-Type: multipart/mixed; boundary=${changeset}${CRLF}${CRLF}${multipart(changeset, parts)}`]);
}
