// One interface for every native dialect a write can speak through Makini's passthrough: build the
// request of a create with its lines, read the system's answer into the project's terms, look a
// purchase order up by its reference, and turn a native validation error into the fields it names.
// What the answer MEANS (written, not written, may have landed) is decided in one place for every
// dialect (./judge.ts, by the outcome model of src/makini/outcome.ts), never by a dialect.
import type { PassthroughAnswer } from '../workflow/entities.js';
import type { PassthroughRequest } from '../client.js';
import type { PassthroughDialectName } from '../workflow/passthrough-dialects.js';

/** A PO create in the project's terms (the same input the unified transport sends). */
export interface NativePoInput {
  /** The idempotency key: the native reference (NetSuite externalId, ...). */
  reference: string;
  /** Header fields under the project's names (`vendorKey`, `orderDate`, custom fields already mapped). */
  header: Record<string, unknown>;
  lines: (Record<string, unknown> & { lineNo: number })[];
}

/** A purchase order as the native system shows it, in the project's terms. */
export interface NativePo {
  /** The system's own id of the record (NetSuite internal id, SAP PurchaseOrder, ...). */
  key: string;
  /** The system's status text (normalised by the caller). */
  status: string;
  reference?: string;
  /** Header fields under the project's names where the dialect maps them. */
  fields: Record<string, unknown>;
  lines: { key: string; lineNo?: number }[];
}

/** One problem a native validation error names, under the project's field name (`lineItems.1.quantity`). */
export interface NativeProblem {
  field: string;
  /** The system's own path of it (`item.items[1].quantity`). */
  nativeField?: string;
  code?: string;
  message: string;
}

/** A native system's API as one write needs it. Pure: no I/O (the activity sends, ./judge.ts decides). */
export interface PassthroughDialect {
  name: PassthroughDialectName;
  /** The pages of the vendor's published API this dialect follows (also in the module comment). */
  sources: readonly string[];
  /** A request to send before the create (SAP: fetch a CSRF token), if any. */
  prepareCreate?: () => PassthroughRequest;
  /** The request that creates the PO with all its lines at once (one native transaction). */
  createPurchaseOrder: (input: NativePoInput, prepared?: PassthroughAnswer) => PassthroughRequest;
  /**
   * What the create's answer says once unwrapped (a $batch answers 200 around its changeset's own
   * status): applied before the answer is judged. Absent: the answer as it came.
   */
  effectiveAnswer?: (answer: PassthroughAnswer) => PassthroughAnswer;
  /**
   * The created PO read from a 2xx answer to the create; `undefined` when the answer carries none
   * (NetSuite answers 204 with a Location only): the activity then looks it up by its reference.
   */
  parseCreated: (answer: PassthroughAnswer) => NativePo | undefined;
  /** The request that finds the POs carrying `reference`. */
  lookupByReference: (reference: string) => PassthroughRequest;
  /**
   * Every PO of a lookup's answer that carries `reference` exactly; `undefined` when the answer is
   * not one this dialect can read (the lookup then fails as malformed).
   */
  parseLookup: (answer: PassthroughAnswer, reference: string) => NativePo[] | undefined;
  /**
   * The problems a native error body names (each under the project's field), or `undefined` when
   * the body is not the system's error shape (then the outcome model cannot call it a refusal).
   * `retryable`: a refusal that a new attempt does not meet (SAP's stale CSRF token: the next
   * attempt fetches a new one).
   */
  problemsOf: (body: unknown) => { code?: string; message: string; problems: NativeProblem[]; retryable?: boolean } | undefined;
}
