// Retry-After (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. Garbage yields undefined.

const DELTA_SECONDS = /^\s*(\d{1,10})\s*$/;
/** Cap on a parsed delay: far beyond any retry budget, but keeps arithmetic finite. */
const MAX_MS = 7 * 24 * 3600 * 1000;

/**
 * Parses a Retry-After header value into milliseconds from `nowMs`.
 * @example parseRetryAfter('30') === 30_000
 * @example parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')) === 60_000
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const delta = DELTA_SECONDS.exec(value);
  if (delta) return Math.min(Number(delta[1]) * 1000, MAX_MS);
  // HTTP-date: IMF-fixdate, obsolete RFC 850, or asctime (which carries no zone: it is GMT).
  const v = value.trim();
  let at: number;
  if (
    /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v) ||
    /^[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/.test(v)
  ) {
    at = Date.parse(v);
  } else if (/^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/.test(v)) {
    at = Date.parse(`${v} GMT`);
  } else {
    return undefined;
  }
  if (!Number.isFinite(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), MAX_MS);
}
