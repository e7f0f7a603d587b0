// Building blocks shared by every write request schema.
import { z } from 'zod';

/** A Makini connection id, as listed in the connections config. */
export const connectionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a connection id: letters, digits, dot, dash or underscore (max 128)');

/** The caller's idempotency key: same key → same execution → at most one record. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'letters, digits, dot, dash, colon or underscore (1-100 characters)');

/** An ISO 8601 date or date-time. */
export const isoDateSchema = z
  .string()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)),
    'an ISO 8601 date or date-time, e.g. 2026-12-01 or 2026-12-01T08:00:00Z',
  );

/** A Makini entity key (`vendorKey`, `siteKey`, ...). */
export const keySchema = z.string().min(1).max(200);

/** Custom fields by name; which are writable is the system profile's call. */
export const customFieldsSchema = z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean(), z.null()]));

/** One problem with a write's input, as reported to the caller. */
export interface InputProblem {
  field: string;
  message: string;
}

/** Every problem of a failed parse, one per field. */
export function inputProblems(error: z.ZodError): InputProblem[] {
  return error.issues.map((i) => ({ field: i.path.length ? i.path.map(String).join('.') : '(input)', message: i.message }));
}
