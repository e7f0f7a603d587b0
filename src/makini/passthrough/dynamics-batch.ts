// Dynamics 365 Finance & Operations' OData service as a dialect of Makini's passthrough: the PO
// header (PurchaseOrderHeadersV2) and every line (PurchaseOrderLinesV2) in ONE $batch changeset,
// which the service applies all or nothing.
//
// Published:
// - $batch: a multipart/mixed body; a changeset groups writes that succeed or fail together; each
//   operation an `application/http` part with its own Content-ID; the answer is multipart too, the
//   batch itself answering 200 whatever its changeset did, a failed changeset answering ONE error
//   part (OData Version 4.0 Part 1 §11.7, http://docs.oasis-open.org/odata/odata/v4.0/odata-v4.0-part1-protocol.html;
//   for F&O: https://www.theaxapta.com/2026/03/creating-multiple-records-in-d365fo.html,
//   https://deepakdyanmicsax.blogspot.com/2025/01/d365fo-odata-requests-in-batch.html).
// - Entities PurchaseOrderHeadersV2 (PurchaseOrderNumber, OrderVendorAccountNumber, CurrencyCode,
//   DefaultReceivingSiteId, dataAreaId) and PurchaseOrderLinesV2 (PurchaseOrderNumber, LineNumber,
//   ItemNumber, OrderedPurchaseQuantity, PurchasePrice), keyed by dataAreaId and the PO number:
//   a second header with the same number is refused ("The record already exists").
// - Errors: OData 4.0 JSON `{ error: { code, message, target?, details?: [{ code, message, target }], innererror } }`
//   (OData JSON Format 4.0 §21).
//
// [assumed], all here:
// - the passthrough takes the multipart text as its `body` (a string) with our Content-Type, and
//   returns the system's multipart answer as text with its content type (envelope assumptions:
//   MakiniPassthrough in src/makini/workflow/contract.ts); `path` is relative to the environment's host;
// - the PO number is the idempotency key (the number sequence of purchase orders allows manual
//   numbers), so the entity key deduplicates: a repeated create is refused as existing, never a
//   second PO; and a Makini PO key is that number;
// - Makini keys are F&O's own ids (vendorKey → OrderVendorAccountNumber, materialKey → ItemNumber,
//   siteKey → DefaultReceivingSiteId, currencyKey → CurrencyCode, organizationKey → dataAreaId,
//   uomKey → PurchaseUnitSymbol); title → PurchaseOrderName, name → LineDescription;
// - the failed part carries the Content-ID of the failing operation (1: the header, 2…: the lines in
//   request order), and `target` (or a detail's) names the property;
// - `$expand=PurchaseOrderLinesV2` returns a header's lines with it; status `Canceled` is cancelled.
import type { PassthroughAnswer } from '../workflow/entities.js';
import type { PassthroughRequest } from '../client.js';
import type { NativePo, NativeProblem, PassthroughDialect } from './dialect.js';
import { boundaryOf, changesetBatch, httpPart, parseHttpPart, partHeaders, splitParts } from './multipart.js';

const HEADERS_SET = 'PurchaseOrderHeadersV2';
const LINES_SET = 'PurchaseOrderLinesV2';
const HEADER_FIELDS: Readonly<Record<string, string>> = {
  vendorKey: 'OrderVendorAccountNumber',
  currencyKey: 'CurrencyCode',
  siteKey: 'DefaultReceivingSiteId',
  organizationKey: 'dataAreaId',
  title: 'PurchaseOrderName',
  orderDate: 'AccountingDate',
};
const LINE_FIELDS: Readonly<Record<string, string>> = {
  lineNo: 'LineNumber',
  materialKey: 'ItemNumber',
  quantity: 'OrderedPurchaseQuantity',
  price: 'PurchasePrice',
  name: 'LineDescription',
  uomKey: 'PurchaseUnitSymbol',
};
const back = (m: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(m).map(([a, b]) => [b, a]));
const HEADER_BACK = back(HEADER_FIELDS);
const LINE_BACK = back(LINE_FIELDS);

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

function mapped(values: Record<string, unknown>, map: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (name === 'customFields' && obj(value)) Object.assign(out, value);
    else out[map[name] ?? name] = value; // F&O refuses a property it does not know, naming it
  }
  return out;
}

const JSON_PART = { 'Content-Type': 'application/json', Accept: 'application/json' };

/** The $batch body: one changeset, the header (Content-ID 1), then each line (2, 3, ...). */
export function dynamicsBatchBody(input: { reference: string; header: Record<string, unknown>; lines: Record<string, unknown>[] }) {
  const header: Record<string, unknown> = { ...mapped(input.header, HEADER_FIELDS), PurchaseOrderNumber: input.reference };
  const company = header.dataAreaId === undefined ? {} : { dataAreaId: header.dataAreaId };
  const parts = [
    httpPart('1', `POST ${HEADERS_SET} HTTP/1.1`, JSON_PART, JSON.stringify(header)),
    ...input.lines.map((l, i) =>
      httpPart(
        String(i + 2),
        `POST ${LINES_SET} HTTP/1.1`,
        JSON_PART,
        JSON.stringify({ ...mapped(l, LINE_FIELDS), ...company, PurchaseOrderNumber: input.reference }),
      ),
    ),
  ];
  // Boundaries from the reference: the same write sends the same bytes on every attempt.
  return { boundary: `batch_${input.reference}`, text: changesetBatch(`batch_${input.reference}`, `changeset_${input.reference}`, parts) };
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * The changeset's outcome out of the batch answer: its one error part (`{ status, body: { error,
 * contentId } }`), or every created entity (`{ status: 201, body: { header, lines } }`). An answer
 * that is not such a batch is returned as it came (the activity then cannot read it).
 */
function changesetOutcome(answer: PassthroughAnswer): PassthroughAnswer {
  if (typeof answer.body !== 'string') return answer;
  const batch = boundaryOf(answer.headers['content-type']) ?? /^--([^\r\n]+)/.exec(answer.body)?.[1];
  if (!batch) return answer;
  const [first] = splitParts(answer.body, batch);
  if (first === undefined) return answer;
  const { headers, rest } = partHeaders(first);
  const changeset = boundaryOf(headers['content-type']);
  const parts = (changeset ? splitParts(rest, changeset) : [first]).map(parseHttpPart);
  const statuses = parts.map((p) => Number(/^HTTP\/1\.1 (\d{3})/.exec(p.startLine)?.[1]));
  if (!parts.length || statuses.some((s) => !Number.isFinite(s))) return answer;
  const failed = statuses.findIndex((s) => s >= 300);
  if (failed >= 0) {
    const part = parts[failed]!;
    return {
      status: statuses[failed]!,
      headers: part.headers,
      body: { ...(obj(parseJson(part.body)) ?? { text: part.body }), contentId: part.mime['content-id'] },
    };
  }
  const bodies = parts.map((p) => parseJson(p.body));
  return { status: 201, headers: answer.headers, body: { header: bodies[0], lines: bodies.slice(1) } };
}

function fromHeader(raw: unknown, lines: unknown): NativePo | undefined {
  const h = obj(raw);
  const number = h?.PurchaseOrderNumber;
  if (!h || typeof number !== 'string' || number === '') return undefined;
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) if (HEADER_BACK[k]) fields[HEADER_BACK[k]] = v;
  const list = Array.isArray(lines) ? lines : [];
  return {
    key: number,
    status: h.PurchaseOrderStatus === 'Canceled' ? 'cancelled' : String(h.PurchaseOrderStatus ?? 'draft'),
    reference: number,
    fields,
    lines: list.map((l) => {
      const n = Number(obj(l)?.LineNumber);
      return { key: `${number}/${Number.isFinite(n) ? n : ''}`, lineNo: Number.isFinite(n) ? n : undefined };
    }),
  };
}

/** `lineItems.<i>.<field>` for the part with Content-ID `i + 2`; the header's field for Content-ID 1. */
export function dynamicsFieldToProject(contentId: string | undefined, property: string | undefined): string {
  const n = Number(contentId);
  if (Number.isInteger(n) && n >= 2) return `lineItems.${n - 2}${property ? `.${LINE_BACK[property] ?? property}` : ''}`;
  return property ? (property === 'PurchaseOrderNumber' ? 'idempotencyKey' : (HEADER_BACK[property] ?? property)) : '(record)';
}

export const dynamicsBatch: PassthroughDialect = {
  name: 'dynamics-batch',
  sources: [
    'http://docs.oasis-open.org/odata/odata/v4.0/odata-v4.0-part1-protocol.html',
    'https://www.theaxapta.com/2026/03/creating-multiple-records-in-d365fo.html',
    'https://deepakdyanmicsax.blogspot.com/2025/01/d365fo-odata-requests-in-batch.html',
  ],
  createPurchaseOrder: (input): PassthroughRequest => {
    const { boundary, text } = dynamicsBatchBody(input);
    return {
      path: 'data/$batch',
      method: 'post',
      headers: { 'Content-Type': `multipart/mixed; boundary=${boundary}`, Accept: 'multipart/mixed' },
      body: text,
    };
  },
  effectiveAnswer: changesetOutcome,
  parseCreated: (answer) => {
    const b = obj(answer.body);
    return b ? fromHeader(b.header, b.lines) : undefined;
  },
  lookupByReference: (reference): PassthroughRequest => ({
    path: `data/${HEADERS_SET}`,
    method: 'get',
    headers: { Accept: 'application/json' },
    query: { $filter: `PurchaseOrderNumber eq '${reference.replace(/'/g, "''")}'`, $expand: LINES_SET, 'cross-company': 'true' },
  }),
  parseLookup: (answer, reference) => {
    if (answer.status < 200 || answer.status >= 300) return undefined;
    const value = obj(answer.body)?.value;
    if (!Array.isArray(value)) return undefined;
    const pos = value.map((h) => fromHeader(h, obj(h)?.[LINES_SET]));
    if (pos.some((p) => p === undefined)) return undefined;
    return (pos as NativePo[]).filter((p) => p.reference === reference);
  },
  problemsOf: (body) => {
    const b = obj(body);
    const error = obj(b?.error);
    if (!error) return undefined;
    const contentId = typeof b?.contentId === 'string' ? b.contentId : undefined;
    const inner = obj(error.innererror)?.message;
    const message = String(inner ?? error.message ?? 'refused');
    const details = Array.isArray(error.details) ? error.details.map((d) => obj(d) ?? {}) : [];
    const problems: NativeProblem[] = (details.length ? details : [error]).map((d) => {
      const target = typeof d.target === 'string' && d.target !== '' ? d.target : undefined;
      return {
        field: dynamicsFieldToProject(contentId, target),
        nativeField: target ? `${contentId ? `#${contentId} ` : ''}${target}` : contentId ? `#${contentId}` : undefined,
        code: typeof d.code === 'string' && d.code !== '' ? d.code : undefined,
        message: typeof d.message === 'string' && d.message !== '' ? d.message : message,
      };
    });
    return { code: typeof error.code === 'string' && error.code !== '' ? error.code : undefined, message, problems };
  },
};
