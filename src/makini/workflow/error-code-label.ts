// The bounded `error_code` metric label, shared by the activity-side call metrics and the
// workflow-side step metrics (workflow code: pure, no Node built-ins).
import { MakiniErrorCode } from './contract.js';

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(MakiniErrorCode));

/**
 * The `error_code` label: Makini's code when it is one Makini documents, `other` for any other
 * code (the code comes from the answer's body: unbounded label values would let any answer grow
 * the metrics without limit), the failure type when the answer named none (a bounded set).
 * The log line keeps the code as sent.
 */
export function errorCodeLabel(code: string | undefined, failureType: string): string {
  if (code === undefined || code === '') return failureType;
  return KNOWN_CODES.has(code) ? code : 'other';
}
