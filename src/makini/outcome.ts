// The outcome model: what one answer to a WRITE says about whether the write happened. This is the
// one place that decides; classification, the step runner and the README's table follow it.
//
// Known only from:
//   - a 2xx whose body parses with the record's key               → written
//   - 429 with Makini's error body (Makini refuses before forwarding) → not written
//   - 400, 401, 403, 404, 409, 422 with Makini's error body and code  → not written (a refusal)
//   - no connection at all (refused, unknown host)                   → not written
// Everything else may have landed: every 5xx (500 included: "issues on Makini's side or with the
// connected system"), 408, any other status, HTML / empty / garbled bodies with any status, a 2xx
// without a parsable keyed body, timeouts and dropped connections. After it, the next step is a
// lookup, never a blind repeat. A known error code never removes that uncertainty.

/** What a write's answer says about the write. */
export type WriteOutcome = 'written' | 'not-written' | 'may-have-landed';

/** Statuses whose Makini error body means the write was refused, so not applied. */
export const REFUSAL_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 409, 422]);

/** What a non-2xx HTTP answer to a write says; `makiniError` is whether the body had Makini's error shape with a code. */
export function outcomeOfErrorAnswer(status: number, makiniError: boolean): WriteOutcome {
  if (!makiniError) return 'may-have-landed';
  if (status === 429 || REFUSAL_STATUSES.has(status)) return 'not-written';
  return 'may-have-landed';
}

/** What a 2xx answer to a write says: only a body that parses with the record's key proves the write. */
export function outcomeOfSuccessAnswer(parsedWithKey: boolean): WriteOutcome {
  return parsedWithKey ? 'written' : 'may-have-landed';
}

/** What a call without an HTTP answer says: only a connection that was never made proves nothing was sent. */
export function outcomeOfNoAnswer(connectedBeforeFailure: boolean): WriteOutcome {
  return connectedBeforeFailure ? 'may-have-landed' : 'not-written';
}
