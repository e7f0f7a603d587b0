// Error answers of the sandbox: Makini's error shape `{ error: { code, type, message, request_id } }`.
import type { z } from 'zod';
import { MakiniErrorCode, MakiniErrorType } from '../src/makini/workflow/contract.js';

/**
 * 405 for DELETE and other methods no endpoint has. Makini publishes no code for it; this one is
 * the sandbox's own (clients must classify it as a permanent 4xx, like any unknown code).
 */
export const SANDBOX_METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED';

/** One problem with a request body, named by its field path (`lineItems.3.quantity`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Thrown by handlers; the server turns it into the error answer. Nothing was written. */
export class SandboxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: FieldProblem[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new SandboxHttpError(404, MakiniErrorCode.notFound, `${what} was not found`);
export const writeNotAllowed = (message: string) => new SandboxHttpError(409, MakiniErrorCode.writeNotAllowed, message);

/** 400 naming every problem at once, as a validating API would. */
export function validationFailed(problems: FieldProblem[], summary = 'The request is invalid'): SandboxHttpError {
  const list = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return new SandboxHttpError(400, MakiniErrorCode.validationFailed, `${summary}: ${list}`, problems);
}

/** Zod issues as field problems; an unknown key becomes one problem per key. */
export function problemsOf(error: z.ZodError, prefix: (string | number)[] = []): FieldProblem[] {
  return error.issues.flatMap((i) => {
    const base = [...prefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => ({ field: [...base, k].join('.'), message: 'is not a field of this entity' }));
    }
    return [{ field: base.length ? base.join('.') : '(body)', message: i.message }];
  });
}

/** Error `type` of a code: Makini's pairing where it has one. */
export function errorTypeOf(code: string, status: number): string {
  const known = (MakiniErrorType as Record<string, string | undefined>)[code];
  return known ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export function errorBody(status: number, code: string, message: string, requestId: string, details?: FieldProblem[]) {
  return {
    error: { code, type: errorTypeOf(code, status), message, request_id: requestId, ...(details?.length ? { details } : {}) },
  };
}

/** The code a gateway or server failure of this status carries. */
export function codeForStatus(status: number): string {
  if (status === 400) return MakiniErrorCode.validationFailed;
  if (status === 401) return MakiniErrorCode.authenticationFailed;
  if (status === 403) return MakiniErrorCode.permissionDenied;
  if (status === 404) return MakiniErrorCode.notFound;
  if (status === 409) return MakiniErrorCode.writeNotAllowed;
  if (status === 429) return MakiniErrorCode.rateLimitExceeded;
  if (status === 503) return MakiniErrorCode.serviceUnavailable;
  return MakiniErrorCode.internalError;
}
