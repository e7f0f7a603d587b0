// NetSuite's REST record service (SuiteTalk REST, record/v1) as a dialect of Makini's passthrough:
// a purchase order with its `item` sublist in ONE request, upserted by its external id, so that a
// repeated create is a no-op and a lost answer never needs the commit horizon.
//
// Published (Oracle NetSuite Help Center):
// - Upsert: `PUT /record/v1/{type}/eid:{externalId}` creates the record, or updates the one that
//   has that external id ("Using the Upsert Operation",
//   https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156335203191.html).
// - External ids: `eid:` wherever an internal id goes, `externalId` in a body; letters, digits, `_`
//   and `-` only (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156334828635.html).
// - A create answers 204 with no body and the new record's URL in `Location`
//   (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545141395.html).
// - Body fields and sublists in one request; `?replace=item` replaces the sublist instead of adding
//   lines, so a repeated upsert cannot double them
//   (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1540811112.html,
//   https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545297048.html,
//   the purchaseOrder `?replace=item` example in chapter_1545142407.html).
// - Errors: `{ type, title, status, "o:errorDetails": [{ detail, "o:errorCode", "o:errorPath" }] }`,
//   the path pointing at the invalid value (`item.items[0].item`)
//   (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156570709583.html).
//
// [assumed], all here:
// - the passthrough `path` is relative to NetSuite's REST root `/services/rest/` (MakiniPassthrough
//   in src/makini/workflow/contract.ts holds the envelope's assumptions);
// - a Makini key of a NetSuite record (vendorKey, siteKey, currencyKey, materialKey, uomKey) is
//   that record's internal id, so it goes into `{ id }` references as it is;
// - the project's header fields map to entity, location, currency, tranDate, memo, tranId; a line's
//   materialKey, quantity, price, name, uomKey, lineNo to item, quantity, rate, description, units,
//   line (NetSuite numbers lines itself where `line` is not accepted: a read-back then misses the
//   lineNo and the write stops as WriteVerificationFailed rather than guessing);
// - `GET .../eid:{externalId}?expandSubResources=true` returns the record with its item lines, and
//   a 404 with `o:errorDetails` means no record has that external id.
import type { PassthroughAnswer } from '../workflow/entities.js';
import type { PassthroughRequest } from '../client.js';
import type { NativePo, NativePoInput, NativeProblem, PassthroughDialect } from './dialect.js';

const RECORD = 'record/v1/purchaseOrder';
const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

/** Project header field → NetSuite body field; `ref` fields are `{ id }` references. */
const HEADER_FIELDS: Readonly<Record<string, { field: string; ref?: true }>> = {
  vendorKey: { field: 'entity', ref: true },
  siteKey: { field: 'location', ref: true },
  currencyKey: { field: 'currency', ref: true },
  orderDate: { field: 'tranDate' },
  title: { field: 'memo' },
  orderNo: { field: 'tranId' },
};
/** Project line field → NetSuite item-sublist field. */
const LINE_FIELDS: Readonly<Record<string, { field: string; ref?: true }>> = {
  materialKey: { field: 'item', ref: true },
  quantity: { field: 'quantity' },
  price: { field: 'rate' },
  name: { field: 'description' },
  uomKey: { field: 'units', ref: true },
  lineNo: { field: 'line' },
};

const reverse = (m: typeof HEADER_FIELDS) => Object.fromEntries(Object.entries(m).map(([ours, { field }]) => [field, ours]));
const HEADER_BACK = reverse(HEADER_FIELDS);
const LINE_BACK = reverse(LINE_FIELDS);

function mapFields(values: Record<string, unknown>, map: typeof HEADER_FIELDS): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (name === 'customFields' && value && typeof value === 'object') {
      // Custom fields go under their NetSuite names (custbody_…), already mapped by the profile.
      Object.assign(out, value);
      continue;
    }
    const to = map[name];
    if (!to)
      out[name] = value; // NetSuite refuses a field it does not know, naming it
    else out[to.field] = to.ref && value !== null ? { id: value } : value;
  }
  return out;
}

const eidPath = (reference: string) => `${RECORD}/eid:${reference}`;

/** The NetSuite body of a PO with its item lines. */
export function netsuitePurchaseOrderBody(input: NativePoInput): Record<string, unknown> {
  return {
    ...mapFields(input.header, HEADER_FIELDS),
    externalId: input.reference,
    item: { items: input.lines.map((l) => mapFields(l, LINE_FIELDS)) },
  };
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const idOf = (v: unknown): unknown => obj(v)?.id ?? v;

/** A NetSuite purchaseOrder record (as GET returns it) in the project's terms; undefined if it is not one. */
function fromRecord(body: unknown): NativePo | undefined {
  const r = obj(body);
  const id = r?.id;
  if (!r || (typeof id !== 'string' && typeof id !== 'number')) return undefined;
  const status = obj(r.status);
  const fields: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(r)) {
    const ours = HEADER_BACK[field];
    if (ours) fields[ours] = HEADER_FIELDS[ours]!.ref ? idOf(value) : value;
  }
  const items = obj(r.item)?.items;
  const lines = (Array.isArray(items) ? items : []).map((raw, i) => {
    const line = obj(raw) ?? {};
    const n = Number(line[LINE_FIELDS.lineNo!.field]);
    return { key: `${String(id)}/${Number.isFinite(n) ? n : i + 1}`, lineNo: Number.isFinite(n) ? n : undefined };
  });
  return {
    key: String(id),
    status: String(status?.refName ?? status?.id ?? r.status ?? 'unknown'),
    reference: typeof r.externalId === 'string' ? r.externalId : undefined,
    fields,
    lines,
  };
}

/** `item.items[2].quantity` → `lineItems.2.quantity`; `entity` → `vendorKey`. */
export function netsuiteFieldToProject(path: string): string {
  const line = /^item\.items\[(\d+)\]\.?([A-Za-z0-9_]*)/.exec(path);
  if (line) return `lineItems.${line[1]}${line[2] ? `.${LINE_BACK[line[2]] ?? line[2]}` : ''}`;
  const head = path.split('.')[0] ?? path;
  return HEADER_BACK[head] ?? path;
}

export const netsuiteRest: PassthroughDialect = {
  name: 'netsuite-rest',
  sources: [
    'https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156335203191.html',
    'https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156334828635.html',
    'https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545141395.html',
    'https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545297048.html',
    'https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156570709583.html',
  ],
  createPurchaseOrder: (input): PassthroughRequest => ({
    path: eidPath(input.reference),
    method: 'put',
    headers: JSON_HEADERS,
    query: { replace: 'item' },
    body: netsuitePurchaseOrderBody(input),
  }),
  // 204, no body: read it back by its external id.
  parseCreated: (answer: PassthroughAnswer) => fromRecord(answer.body),
  lookupByReference: (reference): PassthroughRequest => ({
    path: eidPath(reference),
    method: 'get',
    headers: { Accept: 'application/json' },
    query: { expandSubResources: 'true' },
  }),
  parseLookup: (answer, reference) => {
    if (answer.status === 404) return netsuiteRest.problemsOf(answer.body) ? [] : undefined;
    const po = fromRecord(answer.body);
    if (!po) return undefined;
    return po.reference === reference ? [po] : [];
  },
  problemsOf: (body) => {
    const details = obj(body)?.['o:errorDetails'];
    if (!Array.isArray(details) || details.length === 0) return undefined;
    const problems: NativeProblem[] = details.map((raw) => {
      const d = obj(raw) ?? {};
      const nativeField = typeof d['o:errorPath'] === 'string' ? d['o:errorPath'] : undefined;
      return {
        field: nativeField ? netsuiteFieldToProject(nativeField) : '(record)',
        nativeField,
        code: typeof d['o:errorCode'] === 'string' ? d['o:errorCode'] : undefined,
        message: typeof d.detail === 'string' ? d.detail : 'refused',
      };
    });
    const title = obj(body)?.title;
    return { code: problems[0]?.code, message: typeof title === 'string' ? title : 'refused', problems };
  },
};
