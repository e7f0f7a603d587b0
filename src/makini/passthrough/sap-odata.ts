// SAP S/4HANA's purchase-order OData service (API_PURCHASEORDER_PROCESS_SRV, OData V2) as a dialect
// of Makini's passthrough: a deep insert of A_PurchaseOrder with its to_PurchaseOrderItem lines,
// one logical unit of work (all or nothing), after fetching a CSRF token.
//
// Published:
// - The service, entity sets A_PurchaseOrder / A_PurchaseOrderItem, the navigation
//   to_PurchaseOrderItem and the header field CorrespncExternalReference ("Your Reference", 12
//   characters): SAP Business Accelerator Hub, "Purchase Order (A2X)",
//   https://api.sap.com/api/API_PURCHASEORDER_PROCESS_SRV/overview (the same fields in SAP's Cloud
//   SDK VDM for it: https://help.sap.com/doc/88b0d45562c04571a8d117bc8b6b3b7a/1.0/en-US/modules/_sap_cloud_sdk_vdm_purchase_order_service.html).
// - Modifying requests need `x-csrf-token`, fetched with `x-csrf-token: Fetch` on a GET, and the
//   session cookies of that answer; without them SAP answers 403 "CSRF token validation failed"
//   (SAP KBA 3048103, https://userapps.support.sap.com/sap/support/knowledge/en/3048103).
// - OData V2: a create answers 201 with `{ d: entity }` (a deep insert with its navigation
//   `{ results: [...] }`), a query `{ d: { results } }`, `$filter=Field eq 'value'`, `$expand`;
//   errors `{ error: { code, message: { lang, value }, innererror: { errordetails: [{ code,
//   message, propertyref, target, severity }] } } }` (OData V2 JSON format, odata.org).
//
// [assumed], all here:
// - the passthrough `path` is relative to the system's host (`sap/opu/odata/sap/...`), and Makini
//   forwards our `Cookie` and returns SAP's `set-cookie` and `x-csrf-token` headers (the envelope:
//   MakiniPassthrough in src/makini/workflow/contract.ts);
// - Makini keys are SAP's own keys (vendorKey → Supplier, materialKey → Material, siteKey → Plant of
//   every item, currencyKey → DocumentCurrency, uomKey → PurchaseOrderQuantityUnit), and a Makini PO
//   key is the SAP PurchaseOrder number (a late duplicate is cancelled through Makini by it);
// - the PO type is NB (standard), the caller's lineNo is the PurchaseOrderItem number, quantities
//   and prices go as decimal strings (Edm.Decimal in OData V2 JSON), orderDate as `/Date(ms)/`;
// - an error detail's `target` (or `propertyref`) names the property, `to_PurchaseOrderItem(<i>)/<Property>`
//   for the i-th line of the request (0-based);
// - status: a deletion code `L` is cancelled, processing status `05` approved (released), else draft.
import type { PassthroughAnswer } from '../workflow/entities.js';
import type { PassthroughRequest } from '../client.js';
import type { NativePo, NativeProblem, PassthroughDialect } from './dialect.js';

const ROOT = 'sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV';
const PO_SET = `${ROOT}/A_PurchaseOrder`;
const ITEMS = 'to_PurchaseOrderItem';
/** The reference field (CHAR 12). */
export const SAP_REFERENCE_FIELD = 'CorrespncExternalReference';

const HEADER_FIELDS: Readonly<Record<string, string>> = {
  vendorKey: 'Supplier',
  currencyKey: 'DocumentCurrency',
  orderDate: 'PurchaseOrderDate',
};
const LINE_FIELDS: Readonly<Record<string, string>> = {
  materialKey: 'Material',
  quantity: 'OrderQuantity',
  price: 'NetPriceAmount',
  name: 'PurchaseOrderItemText',
  uomKey: 'PurchaseOrderQuantityUnit',
  lineNo: 'PurchaseOrderItem',
};
const DECIMALS = new Set(['OrderQuantity', 'NetPriceAmount']);
const back = (m: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(m).map(([a, b]) => [b, a]));
const HEADER_BACK = back(HEADER_FIELDS);
const LINE_BACK = back(LINE_FIELDS);

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** An OData V2 date literal of a `YYYY-MM-DD` date. */
const odataDate = (date: string) => `/Date(${Date.parse(`${date}T00:00:00Z`)})/`;

function mapped(values: Record<string, unknown>, map: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (name === 'customFields' && obj(value)) {
      Object.assign(out, value); // custom fields under their SAP names (YY1_…), mapped by the profile
      continue;
    }
    const to = map[name] ?? name; // SAP refuses a property it does not know, naming it
    out[to] = DECIMALS.has(to) || to === 'PurchaseOrderItem' ? String(value) : name === 'orderDate' ? odataDate(String(value)) : value;
  }
  return out;
}

/** The deep-insert body: the header, the reference and every item. */
export function sapPurchaseOrderBody(input: { reference: string; header: Record<string, unknown>; lines: Record<string, unknown>[] }) {
  const { siteKey, ...header } = input.header;
  return {
    PurchaseOrderType: 'NB',
    ...mapped(header, HEADER_FIELDS),
    [SAP_REFERENCE_FIELD]: input.reference,
    [ITEMS]: { results: input.lines.map((l) => ({ ...mapped(l, LINE_FIELDS), ...(siteKey !== undefined ? { Plant: siteKey } : {}) })) },
  };
}

function statusOf(r: Record<string, unknown>): string {
  if (r.PurchasingDocumentDeletionCode === 'L') return 'cancelled';
  return r.PurchasingProcessingStatus === '05' ? 'approved' : 'draft';
}

/** An A_PurchaseOrder entity in the project's terms; undefined if it is not one. */
function fromEntity(raw: unknown): NativePo | undefined {
  const r = obj(raw);
  const id = r?.PurchaseOrder;
  if (!r || typeof id !== 'string' || id === '') return undefined;
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (HEADER_BACK[k]) fields[HEADER_BACK[k]] = v;
  const items = obj(r[ITEMS])?.results;
  const lines = (Array.isArray(items) ? items : []).map((it) => {
    const n = Number(obj(it)?.PurchaseOrderItem);
    return { key: `${id}/${String(obj(it)?.PurchaseOrderItem ?? '')}`, lineNo: Number.isFinite(n) ? n : undefined };
  });
  return {
    key: id,
    status: statusOf(r),
    reference: typeof r[SAP_REFERENCE_FIELD] === 'string' ? (r[SAP_REFERENCE_FIELD] as string) : undefined,
    fields,
    lines,
  };
}

/** `to_PurchaseOrderItem(1)/OrderQuantity` → `lineItems.1.quantity`; `Supplier` → `vendorKey`. */
export function sapFieldToProject(target: string): string {
  const item = /^to_PurchaseOrderItem\((\d+)\)\/?(\w*)/.exec(target);
  if (item) return `lineItems.${item[1]}${item[2] ? `.${item[2] === 'Plant' ? 'siteKey' : (LINE_BACK[item[2]] ?? item[2])}` : ''}`;
  const head = target.split('/')[0] ?? target;
  return head === SAP_REFERENCE_FIELD ? 'idempotencyKey' : (HEADER_BACK[head] ?? head);
}

/** `SAP_SESSIONID_S4H_100=abc; path=/; HttpOnly, sap-usercontext=…` → `SAP_SESSIONID_S4H_100=abc; sap-usercontext=…`. */
function cookieOf(setCookie: string | undefined): string | undefined {
  if (!setCookie) return undefined;
  const pairs = setCookie
    .split(/,(?=\s*[^;,=\s]+=)/)
    .map((c) => c.split(';')[0]!.trim())
    .filter(Boolean);
  return pairs.length ? pairs.join('; ') : undefined;
}

/** Code of SAP's CSRF refusal (a text body without one). */
export const CSRF_REFUSED = 'CSRF_TOKEN_VALIDATION_FAILED';

const JSON_HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json' };

export const sapOdata: PassthroughDialect = {
  name: 'sap-odata',
  sources: [
    'https://api.sap.com/api/API_PURCHASEORDER_PROCESS_SRV/overview',
    'https://help.sap.com/doc/88b0d45562c04571a8d117bc8b6b3b7a/1.0/en-US/modules/_sap_cloud_sdk_vdm_purchase_order_service.html',
    'https://userapps.support.sap.com/sap/support/knowledge/en/3048103',
  ],
  prepareCreate: (): PassthroughRequest => ({
    path: `${ROOT}/`,
    method: 'get',
    headers: { 'x-csrf-token': 'Fetch', Accept: 'application/json' },
  }),
  createPurchaseOrder: (input, prepared?: PassthroughAnswer): PassthroughRequest => {
    const token = prepared?.headers['x-csrf-token'];
    const cookie = cookieOf(prepared?.headers['set-cookie']);
    return {
      path: PO_SET,
      method: 'post',
      headers: { ...JSON_HEADERS, ...(token ? { 'x-csrf-token': token } : {}), ...(cookie ? { Cookie: cookie } : {}) },
      body: sapPurchaseOrderBody(input),
    };
  },
  parseCreated: (answer) => fromEntity(obj(answer.body)?.d),
  lookupByReference: (reference): PassthroughRequest => ({
    path: PO_SET,
    method: 'get',
    headers: { Accept: 'application/json' },
    // The reference holds no quote (the dialect's reference rule); doubled anyway, as OData escapes one.
    query: { $filter: `${SAP_REFERENCE_FIELD} eq '${reference.replace(/'/g, "''")}'`, $expand: ITEMS, $format: 'json' },
  }),
  parseLookup: (answer, reference) => {
    if (answer.status < 200 || answer.status >= 300) return undefined;
    const results = obj(obj(answer.body)?.d)?.results;
    if (!Array.isArray(results)) return undefined;
    const pos = results.map(fromEntity);
    if (pos.some((p) => p === undefined)) return undefined;
    // $filter may match loosely on some systems: compared exactly here.
    return (pos as NativePo[]).filter((p) => p.reference === reference);
  },
  problemsOf: (body) => {
    // SAP's CSRF refusal is a 403 with a text body: not written, and the next attempt fetches a new token.
    if (typeof body === 'string' && /CSRF token validation failed/i.test(body)) {
      return { code: CSRF_REFUSED, message: body, problems: [{ field: '(record)', message: body }], retryable: true };
    }
    const error = obj(obj(body)?.error);
    if (!error || typeof error.code !== 'string') return undefined;
    const message = obj(error.message)?.value ?? error.message;
    const details = obj(error.innererror)?.errordetails;
    const problems: NativeProblem[] = (Array.isArray(details) ? details : [])
      .map((raw) => obj(raw) ?? {})
      .filter((d) => d.severity === undefined || d.severity === 'error')
      .map((d) => {
        const target = [d.target, d.propertyref].find((t): t is string => typeof t === 'string' && t !== '');
        return {
          field: target ? sapFieldToProject(target) : '(record)',
          nativeField: target,
          code: typeof d.code === 'string' ? d.code : undefined,
          message: typeof d.message === 'string' ? d.message : String(message),
        };
      });
    if (!problems.length) problems.push({ field: '(record)', code: error.code, message: String(message) });
    return { code: error.code, message: String(message), problems };
  },
};
