// Retry-After (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. Garbage yields undefined.
// The value is kept as sent (at most 10 digits of seconds, or a date: finite either way), so that
// a step can say what it did with it; how long a connection honours one is the connection policy's
// `maxRetryAfterMs` (src/connections/workflow/control-state.ts), and a write's wait its retry budget.

const DELTA_SECONDS = /^\s*(\d{1,10})\s*$/;

/**
 * Parses a Retry-After header value into milliseconds from `nowMs`.
 * @example parseRetryAfter('30') === 30_000
 * @example parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')) === 60_000
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const delta = DELTA_SECONDS.exec(value);
  if (delta) return Number(delta[1]) * 1000;
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
  return Math.max(0, at - nowMs);
}
