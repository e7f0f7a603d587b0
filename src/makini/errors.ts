// The error a Makini call throws: one class, carrying the classified failure. What kind of failure
// it is lives in `info.type` (a MakiniFailureType constant), which is what activities put in history.
import type { MakiniFailureInfo } from '../failures/workflow/failure-types.js';

/** Every Makini client failure; `info` is safe to put in workflow history (never a token). */
export class MakiniError extends Error {
  override name = 'MakiniError';
  constructor(readonly info: MakiniFailureInfo) {
    super(info.message);
  }
}

/** The error of a classified failure. */
export function makiniErrorFrom(info: MakiniFailureInfo): MakiniError {
  return new MakiniError(info);
}
