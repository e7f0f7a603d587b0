// One small error class per failure mode of a Makini call, each carrying the classified info.
import { MakiniFailureType, type MakiniFailureInfo } from '../failures.js';

/** Base of every Makini client failure; `info` is safe to put in workflow history. */
export class MakiniError extends Error {
  override name = 'MakiniError';
  constructor(readonly info: MakiniFailureInfo) {
    super(info.message);
  }
}
export class MakiniRateLimitError extends MakiniError { override name = 'MakiniRateLimitError'; }
export class MakiniServerError extends MakiniError { override name = 'MakiniServerError'; }
export class MakiniNetworkError extends MakiniError { override name = 'MakiniNetworkError'; }
export class MakiniAuthenticationError extends MakiniError { override name = 'MakiniAuthenticationError'; }
export class MakiniRejectedError extends MakiniError { override name = 'MakiniRejectedError'; }
export class MakiniMalformedResponseError extends MakiniError { override name = 'MakiniMalformedResponseError'; }
export class MakiniConnectionConfigError extends MakiniError { override name = 'MakiniConnectionConfigError'; }
/** Not sent at all: the connection's gate held the call back (reauthorization, breaker, rate). */
export class ConnectionBlockedError extends MakiniError { override name = 'ConnectionBlockedError'; }

const CLASS_BY_TYPE: Record<MakiniFailureType, new (info: MakiniFailureInfo) => MakiniError> = {
  [MakiniFailureType.rateLimited]: MakiniRateLimitError,
  [MakiniFailureType.serverError]: MakiniServerError,
  [MakiniFailureType.network]: MakiniNetworkError,
  [MakiniFailureType.authentication]: MakiniAuthenticationError,
  [MakiniFailureType.rejected]: MakiniRejectedError,
  [MakiniFailureType.malformedResponse]: MakiniMalformedResponseError,
  [MakiniFailureType.connectionConfig]: MakiniConnectionConfigError,
  [MakiniFailureType.connectionBlocked]: ConnectionBlockedError,
};

/** The error instance matching a classified failure. */
export function makiniErrorFrom(info: MakiniFailureInfo): MakiniError {
  return new CLASS_BY_TYPE[info.type](info);
}
