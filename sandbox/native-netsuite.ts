// The sandbox's stand-in for NetSuite's REST record service behind Makini's passthrough, as
// src/makini/passthrough/netsuite-rest.ts cites it: `PUT record/v1/purchaseOrder/eid:{externalId}`
// upserts a purchase order with its `item` sublist (created, or updated in place: a repeat is a
// no-op, never a second record), answering 204 with a Location; `GET .../eid:{externalId}` returns
// the record with its lines, or 404. Errors carry NetSuite's `o:errorDetails` with the path of the
// invalid value. Validation runs to the end before anything is stored: a refused line leaves nothing.
// The record is the connection's purchase order (`code` = externalId, as Makini maps it), so the
// unified endpoints see what the passthrough wrote.
import type { HandlerContext } from './handler.js';
import { draftPurchaseOrder, recomputeTotals } from './purchase-orders.js';
import type { LineItemRecord, PoStatus, PurchaseOrderRecord } from './store.js';

/** What the system answered, before Makini wraps it. */
export interface NativeResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  applied: boolean;
}

export interface NativeRequest {
  path: string;
  method: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

interface Detail {
  detail: string;
  code: string;
  path?: string;
}

/** NetSuite's error body (section_156570709583). */
function nsError(status: number, title: string, details: Detail[]): NativeResult {
  return {
    status,
    headers: { 'content-type': 'application/vnd.oracle.resource+json; type=error' },
    body: {
      type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1',
      title,
      status,
      'o:errorDetails': details.map((d) => ({
        detail: d.detail,
        'o:errorCode': d.code,
        ...(d.path ? { 'o:errorPath': d.path } : {}),
      })),
    },
    applied: false,
  };
}

const EID = /^\/?(?:services\/rest\/)?record\/v1\/purchaseOrder\/eid:([^/?]+)$/;
const EXTERNAL_ID_CHARS = /^[A-Za-z0-9_-]+$/;
const HEADER_REFS: Record<string, string> = { entity: 'vendorKey', location: 'siteKey', currency: 'currencyKey' };
const HEADER_VALUES: Record<string, string> = { tranDate: 'orderDate', memo: 'title', tranId: 'orderNo' };
const STATUS_NAMES: Record<PoStatus, { id: string; refName: string }> = {
  draft: { id: 'A', refName: 'Pending Supervisor Approval' },
  'pending-approval': { id: 'A', refName: 'Pending Supervisor Approval' },
  approved: { id: 'B', refName: 'Pending Receipt' },
  closed: { id: 'H', refName: 'Closed' },
  cancelled: { id: 'H', refName: 'Closed' },
};

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const refId = (v: unknown): string | undefined => {
  const id = obj(v)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
};

const byExternalId = (ctx: HandlerContext, eid: string) => [...ctx.store.purchaseOrders.values()].find((po) => po.externalId === eid);

/** The record as NetSuite's GET shows it. */
function present(po: PurchaseOrderRecord): Record<string, unknown> {
  return {
    links: [{ rel: 'self', href: `record/v1/purchaseOrder/${po.key}` }],
    id: po.key,
    externalId: po.externalId,
    tranId: String(po.orderNo),
    ...(po.orderDate ? { tranDate: po.orderDate } : {}),
    ...(po.title ? { memo: po.title } : {}),
    entity: { id: po.vendorKey },
    ...(po.siteKey ? { location: { id: po.siteKey } } : {}),
    ...(po.currencyKey ? { currency: { id: po.currencyKey } } : {}),
    status: STATUS_NAMES[po.status],
    total: po.totalNetValue,
    item: {
      items: po.lineItems.map((l) => ({
        line: Number(l.lineNo),
        item: { id: l.materialKey },
        quantity: l.quantity,
        ...(l.price !== undefined ? { rate: l.price } : {}),
        ...(l.name !== undefined ? { description: l.name } : {}),
        ...(l.uomKey !== undefined ? { units: { id: l.uomKey } } : {}),
      })),
      totalResults: po.lineItems.length,
    },
  };
}

type Parsed = { header: Record<string, unknown>; lines: Record<string, unknown>[] };

/** Every problem of an upsert body at once (NetSuite names each by its path). */
function validate(ctx: HandlerContext, eid: string, body: unknown): { parsed?: Parsed; problems: Detail[] } {
  const problems: Detail[] = [];
  const b = obj(body);
  if (!b) return { problems: [{ detail: 'The request body must be a JSON object', code: 'INVALID_CONTENT' }] };
  if (b.externalId !== undefined && b.externalId !== eid) {
    problems.push({
      detail: `externalId ${String(b.externalId)} differs from eid:${eid} in the URL`,
      code: 'INVALID_CONTENT',
      path: 'externalId',
    });
  }
  const header: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(b)) {
    if (field === 'externalId' || field === 'item') continue;
    if (HEADER_REFS[field]) {
      const id = refId(value);
      if (!id) problems.push({ detail: `${field} must be a reference { id }`, code: 'INVALID_CONTENT', path: field });
      else header[HEADER_REFS[field]] = id;
    } else if (HEADER_VALUES[field]) header[HEADER_VALUES[field]] = value;
    else if (field.startsWith('custbody')) header[field] = value;
    else problems.push({ detail: `Invalid field: ${field} is not a field of purchaseOrder`, code: 'INVALID_CONTENT', path: field });
  }
  const vendor = header.vendorKey;
  if (vendor === undefined) problems.push({ detail: 'Please enter value(s) for: Vendor', code: 'USER_ERROR', path: 'entity' });
  else if (!ctx.store.vendors.has(String(vendor))) {
    problems.push({
      detail: `You have entered an Invalid Field Value ${String(vendor)} for the following field: entity`,
      code: 'INVALID_CONTENT',
      path: 'entity',
    });
  }
  const items = obj(b.item)?.items;
  if (!Array.isArray(items) || items.length === 0) {
    problems.push({ detail: 'You must enter at least one line item for this transaction.', code: 'USER_ERROR', path: 'item' });
  }
  const lines: Record<string, unknown>[] = [];
  (Array.isArray(items) ? items : []).forEach((raw, i) => {
    const at = `item.items[${i}]`;
    const l = obj(raw);
    if (!l) return problems.push({ detail: 'A line must be an object', code: 'INVALID_CONTENT', path: at });
    const material = refId(l.item);
    if (!material || !ctx.store.materials.has(material)) {
      problems.push({
        detail: `You have entered an Invalid Field Value ${material ?? '(none)'} for the following field: item`,
        code: 'INVALID_CONTENT',
        path: `${at}.item`,
      });
    }
    const quantity = Number(l.quantity);
    if (typeof l.quantity !== 'number' || !(quantity > 0)) {
      problems.push({
        detail: 'Invalid Field Value for the following field: quantity (a positive number)',
        code: 'INVALID_CONTENT',
        path: `${at}.quantity`,
      });
    }
    if (l.rate !== undefined && typeof l.rate !== 'number') {
      problems.push({ detail: 'Invalid Field Value for the following field: rate', code: 'INVALID_CONTENT', path: `${at}.rate` });
    }
    lines.push({
      lineNo: typeof l.line === 'number' ? l.line : i + 1,
      materialKey: material,
      quantity: l.quantity,
      ...(l.rate !== undefined ? { price: l.rate } : {}),
      ...(l.description !== undefined ? { name: l.description } : {}),
      ...(refId(l.units) ? { uomKey: refId(l.units) } : {}),
    });
  });
  return problems.length ? { problems } : { parsed: { header, lines }, problems };
}

function upsert(ctx: HandlerContext, eid: string, req: NativeRequest): NativeResult {
  if (!EXTERNAL_ID_CHARS.test(eid)) {
    return nsError(400, 'Bad Request', [{ detail: `Invalid external ID ${eid}: letters, digits, _ and - only`, code: 'INVALID_ID' }]);
  }
  const { parsed, problems } = validate(ctx, eid, req.body);
  if (!parsed) return nsError(400, 'Bad Request', problems);
  const existing = byExternalId(ctx, eid);
  if (existing && (existing.status === 'closed' || existing.status === 'cancelled')) {
    return nsError(400, 'Bad Request', [{ detail: `purchaseOrder ${existing.key} is closed and cannot be changed`, code: 'USER_ERROR' }]);
  }
  const now = ctx.now.toISOString();
  const po: PurchaseOrderRecord = existing ?? draftPurchaseOrder(ctx, { code: eid, externalId: eid });
  const before = existing ? JSON.stringify(present(existing)) : undefined;
  Object.assign(po, parsed.header);
  // `?replace=item` (the client always sends it): the sublist becomes the request's lines.
  const keep = new Map(po.lineItems.map((l) => [String(l.lineNo), l]));
  po.lineItems = parsed.lines.map((l): LineItemRecord => {
    const old = keep.get(String(l.lineNo));
    return { ...(old ?? { key: ctx.store.keys.next(), createdAt: now }), purchaseOrderKey: po.key, ...l, updatedAt: now } as LineItemRecord;
  });
  recomputeTotals(po);
  const changed = before === undefined || before !== JSON.stringify(present(po));
  if (changed) po.updatedAt = now;
  ctx.store.purchaseOrders.set(po.key, po);
  return { status: 204, headers: { location: `record/v1/purchaseOrder/${po.key}` }, body: null, applied: changed };
}

/** One request to the NetSuite stand-in. */
export function netsuiteNative(ctx: HandlerContext, req: NativeRequest): NativeResult {
  const m = EID.exec(req.path);
  if (!m) {
    return nsError(404, 'Not Found', [
      { detail: `The record type or path ${req.path} is not served by this stand-in`, code: 'NONEXISTENT_ID' },
    ]);
  }
  const eid = decodeURIComponent(m[1]!);
  if (req.method === 'put') return upsert(ctx, eid, req);
  if (req.method === 'get') {
    const po = byExternalId(ctx, eid);
    if (!po) return nsError(404, 'Not Found', [{ detail: `Record with external ID ${eid} was not found.`, code: 'NONEXISTENT_ID' }]);
    return {
      status: 200,
      headers: { 'content-type': 'application/vnd.oracle.resource+json; type=singular-resource' },
      body: present(po),
      applied: false,
    };
  }
  return nsError(405, 'Method Not Allowed', [{ detail: `${req.method.toUpperCase()} is not served here`, code: 'INVALID_METHOD' }]);
}
