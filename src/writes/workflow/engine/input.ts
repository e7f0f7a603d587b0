// Building blocks shared by every write request schema, and how a failed parse is reported: one
// problem per field, each naming its rule. Workflow code too (inputs are parsed again in the
// workflow), so everything here is pure and deterministic.
import { z } from 'zod';

/**
 * A check with a named rule: the rule travels in the issue's params and becomes the problem's
 * `rule` (see `inputProblems`), the message says what is expected.
 */
export const rule = (name: string, message: string) => ({ message, params: { rule: name } });

/** Adds a failed check to a refinement, under its rule. */
export function addProblem(ctx: z.RefinementCtx, name: string, message: string, path?: PropertyKey[]): void {
  ctx.addIssue({ code: 'custom', message, params: { rule: name }, ...(path ? { path } : {}) });
}

// C0 and C1 control characters (newline, NUL, escape, ...) and unpaired UTF-16 surrogates
// (`encodeURIComponent` throws on them).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What keeps a key from being one segment of a Makini request path (`/work-orders/{key}`):
 * `/` and `\` start another segment, `.` and `..` name this one's parent (`/work-orders/..` is
 * `/api/eam/`), control characters and unpaired surrogates break the request line or its encoding.
 */
function segmentProblem(s: string): string | undefined {
  if (CONTROL.test(s)) return 'control characters';
  if (LONE_SURROGATE.test(s)) return 'unpaired UTF-16 surrogates';
  if (s.includes('/') || s.includes('\\')) return "'/' or '\\'";
  if (s === '.' || s.includes('..')) return "'..' (or be '.')";
  return undefined;
}

/** A Makini connection id, as listed in the connections config; a segment of workflow ids. */
export const connectionIdSchema = z
  .string()
  .refine(
    (s) => /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(s),
    rule('id-characters', "a connection id: letters, digits, dot, dash or underscore, first a letter or digit, no '..' (max 128)"),
  );

/** The caller's idempotency key: same key → same execution → at most one record; a segment of workflow ids. */
export const idempotencyKeySchema = z
  .string()
  .refine(
    (s) => /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(s),
    rule('id-characters', "letters, digits, dot, dash, colon or underscore, first a letter or digit, no '..' (1-100 characters)"),
  );

/** A Makini entity key (`vendorKey`, `siteKey`, ...): Makini's opaque id, part of request paths. */
export const keySchema = z
  .string()
  .min(1)
  .max(200)
  .superRefine((s, ctx) => {
    const problem = segmentProblem(s);
    if (problem) addProblem(ctx, 'path-segment', `a Makini key must not contain ${problem}: it becomes a segment of a request path`);
  });

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/;
const daysIn = (year: number, month: number) =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/** Whether a string is an ISO 8601 date or date-time that exists on the calendar (no 2026-02-31, no 24:00). */
function isCalendarDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second, , offH, offM] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysIn(year!, month!)) return false;
  if (hour !== undefined && (hour > 23 || minute! > 59 || (second ?? 0) > 59)) return false;
  return offH === undefined || (offH <= 23 && offM! <= 59);
}

/** An ISO 8601 date or date-time, on the calendar. */
export const isoDateSchema = z
  .string()
  .refine(isCalendarDate, rule('date', 'an ISO 8601 date or date-time that exists, e.g. 2026-12-01 or 2026-12-01T08:00:00Z'));

/** Largest quantity, price or amount a write takes (finite, well inside exact doubles: 2^53 ≈ 9e15). */
export const MAX_AMOUNT = 1e12;
/** A finite quantity, price or amount with an absolute value of at most MAX_AMOUNT. */
export const amountSchema = z.number().min(-MAX_AMOUNT).max(MAX_AMOUNT);

/** A whole number from `min` to `max`: one problem per value, out of range or not whole. */
export const wholeNumber = (min: number, max: number) =>
  z.number().min(min).max(max).refine(Number.isInteger, rule('integer', 'must be a whole number'));

/** Custom fields per record (header, line or work order). */
export const MAX_CUSTOM_FIELDS = 100;
/** Characters of a custom field's name. */
export const MAX_CUSTOM_FIELD_NAME = 100;
/** Characters of a custom field's text value. */
export const MAX_CUSTOM_FIELD_TEXT = 4_000;

const customFieldNameSchema = z
  .string()
  .min(1)
  .max(MAX_CUSTOM_FIELD_NAME)
  .refine((s) => !CONTROL.test(s) && !LONE_SURROGATE.test(s), rule('name-characters', 'a custom field name without control characters'));
// (A `__proto__` name never reaches a record: zod drops it, so it cannot replace the prototype.)

const customFieldValueSchema = z.union([z.string().max(MAX_CUSTOM_FIELD_TEXT), amountSchema, z.boolean(), z.null()], {
  error: `a custom field value: text (max ${MAX_CUSTOM_FIELD_TEXT} characters), a number, true/false or null`,
});

/** Custom fields by name; which are writable is the system profile's call. */
export const customFieldsSchema = z
  .record(customFieldNameSchema, customFieldValueSchema)
  .refine((r) => Object.keys(r).length <= MAX_CUSTOM_FIELDS, rule('max-fields', `at most ${MAX_CUSTOM_FIELDS} custom fields`));

/**
 * Largest input of one write, as UTF-8 JSON. Temporal refuses payloads over 2 MiB; an input travels
 * in the start request and again in its activities' arguments (encrypted, with their other
 * arguments), so half of it is the most a write may take.
 */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** UTF-8 length of a string (no TextEncoder needed: the same in workflow code). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** A refinement of a whole input: at most `max` bytes as JSON, so that it fails here and not in Temporal. */
export const withinPayloadLimit =
  (max = MAX_INPUT_BYTES) =>
  (value: unknown, ctx: z.RefinementCtx): void => {
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      addProblem(ctx, 'json', 'the input must be plain JSON (no BigInt, no cycles)');
      return;
    }
    const bytes = utf8Length(json ?? '');
    if (bytes > max)
      addProblem(ctx, 'max-size', `the input is ${bytes} bytes as JSON; at most ${max} (Temporal refuses payloads over 2 MiB)`);
  };

/** One problem with a write's input, as reported to the caller. */
export interface InputProblem {
  /** Where: a dotted path (`purchaseOrder.lineItems.3.quantity`), `(input)` for the whole input. */
  field: string;
  /**
   * Which rule it breaks: `required`, `type`, `max`, `max-length`, `unknown-field`, `path-segment`,
   * `date`, ... (always set by `inputProblems`; optional for problems found outside a schema).
   */
  rule?: string;
  /** `[rule] what is expected`. */
  message: string;
}

type Issue = z.core.$ZodIssue;

/** The rule of a zod issue: its own (custom checks name theirs), else one derived from its code. */
function ruleOf(issue: Issue): string {
  const size = (origin: string, bound: 'min' | 'max') =>
    origin === 'string' ? `${bound}-length` : origin === 'array' || origin === 'set' ? `${bound}-items` : bound;
  switch (issue.code) {
    case 'custom':
      return typeof issue.params?.rule === 'string' ? issue.params.rule : 'custom';
    case 'invalid_type':
      if (issue.expected === 'int') return 'integer';
      return issue.message.endsWith('received undefined') ? 'required' : 'type';
    case 'too_big':
      return size(issue.origin, 'max');
    case 'too_small':
      return size(issue.origin, 'min');
    case 'invalid_format':
      return 'format';
    case 'invalid_value':
    case 'invalid_union':
      return 'one-of';
    case 'not_multiple_of':
      return 'multiple-of';
    default:
      return issue.code;
  }
}

/**
 * A dotted path. A name that would not read as one in a message (empty, with a space or a dot in
 * it: `" r1@"`, `"a.b"`) is quoted, so that every problem names a field one can see.
 */
const segmentOf = (p: PropertyKey) => (/^[^\s.]+$/u.test(String(p)) ? String(p) : JSON.stringify(String(p)));
const fieldOf = (path: PropertyKey[]) => (path.length ? path.map(segmentOf).join('.') : '(input)');

function problemsOf(issue: Issue, at: PropertyKey[] = []): InputProblem[] {
  const path = [...at, ...issue.path];
  // Unknown fields: one problem each, named by the field.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({
      field: fieldOf([...path, k]),
      rule: 'unknown-field',
      message: '[unknown-field] not a field of this input',
    }));
  }
  // A bad record key or element: its own problems, at its place.
  if ((issue.code === 'invalid_key' || issue.code === 'invalid_element') && issue.issues.length) {
    return issue.issues.flatMap((i) => problemsOf(i, path));
  }
  const r = ruleOf(issue);
  return [{ field: fieldOf(path), rule: r, message: `[${r}] ${issue.message}` }];
}

/** Every problem of a failed parse, each naming its field and rule. */
export function inputProblems(error: z.ZodError): InputProblem[] {
  return error.issues.flatMap((i) => problemsOf(i));
}
