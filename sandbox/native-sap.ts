// The sandbox's stand-in for SAP S/4HANA's API_PURCHASEORDER_PROCESS_SRV behind Makini's
// passthrough, as src/makini/passthrough/sap-odata.ts cites it: a GET with `x-csrf-token: Fetch`
// opens a session (token + session cookie); a POST to A_PurchaseOrder without that token and cookie
// is SAP's 403 "CSRF token validation failed"; with them, a deep insert of the header and its
// to_PurchaseOrderItem lines is one unit of work (every problem named with its target, nothing
// stored), answered 201 with the entity. Not deduplicated: the same POST twice is two purchase
// orders, as in SAP. `$filter=CorrespncExternalReference eq '…'` finds them. The record is the
// connection's purchase order (`code` = Your Reference, its key = the SAP PurchaseOrder number).
import { randomUUID } from 'node:crypto';
import type { HandlerContext } from './handler.js';
import { draftPurchaseOrder, recomputeTotals } from './purchase-orders.js';
import type { NativeRequest, NativeResult } from './native-netsuite.js';
import type { ConnectionStore, LineItemRecord, PurchaseOrderRecord } from './store.js';

const ROOT = /^\/?sap\/opu\/odata\/sap\/API_PURCHASEORDER_PROCESS_SRV(\/[^?]*)?$/;
const REFERENCE = 'CorrespncExternalReference';
const HEADER = new Set([
  'PurchaseOrderType',
  'Supplier',
  'DocumentCurrency',
  'PurchaseOrderDate',
  REFERENCE,
  'to_PurchaseOrderItem',
  'CompanyCode',
  'PurchasingOrganization',
  'PurchasingGroup',
]);
const ITEM = new Set([
  'PurchaseOrderItem',
  'Material',
  'Plant',
  'OrderQuantity',
  'NetPriceAmount',
  'PurchaseOrderItemText',
  'PurchaseOrderQuantityUnit',
]);
const SESSION_COOKIE = 'SAP_SESSIONID_S4H_100';

/** CSRF tokens by session id, per connection. */
const sessions = new WeakMap<ConnectionStore, Map<string, string>>();
const sessionsOf = (store: ConnectionStore) => sessions.get(store) ?? sessions.set(store, new Map()).get(store)!;

interface Detail {
  code: string;
  message: string;
  target?: string;
}

/** OData V2's error body. */
function odataError(status: number, code: string, message: string, details: Detail[] = []): NativeResult {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: {
      error: {
        code,
        message: { lang: 'en', value: message },
        innererror: {
          errordetails: details.map((d) => ({
            code: d.code,
            message: d.message,
            propertyref: '',
            severity: 'error',
            target: d.target ?? '',
          })),
        },
      },
    },
    applied: false,
  };
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const dateOf = (v: unknown): string | undefined => {
  const ms = typeof v === 'string' ? /^\/Date\((-?\d+)\)\/$/.exec(v)?.[1] : undefined;
  return ms === undefined ? undefined : new Date(Number(ms)).toISOString().slice(0, 10);
};

function entity(po: PurchaseOrderRecord): Record<string, unknown> {
  return {
    PurchaseOrder: po.key,
    PurchaseOrderType: 'NB',
    Supplier: po.vendorKey,
    DocumentCurrency: po.currencyKey ?? '',
    ...(po.orderDate ? { PurchaseOrderDate: `/Date(${Date.parse(`${String(po.orderDate)}T00:00:00Z`)})/` } : {}),
    [REFERENCE]: po.code ?? '',
    PurchasingDocumentDeletionCode: po.status === 'cancelled' ? 'L' : '',
    PurchasingProcessingStatus: po.status === 'approved' ? '05' : '02',
    to_PurchaseOrderItem: {
      results: po.lineItems.map((l) => ({
        PurchaseOrder: po.key,
        PurchaseOrderItem: String(l.lineNo),
        Material: l.materialKey,
        Plant: po.siteKey ?? '',
        OrderQuantity: String(l.quantity),
        NetPriceAmount: l.price === undefined ? '0' : String(l.price),
        PurchaseOrderItemText: l.name ?? '',
      })),
    },
  };
}

function fetchToken(ctx: HandlerContext, req: NativeRequest): NativeResult {
  const body = { d: { EntitySets: ['A_PurchaseOrder', 'A_PurchaseOrderItem'] } };
  if (req.headers['x-csrf-token']?.toLowerCase() !== 'fetch') return { status: 200, headers: {}, body, applied: false };
  const sid = randomUUID();
  const token = randomUUID().replace(/-/g, '');
  sessionsOf(ctx.store).set(sid, token);
  return {
    status: 200,
    headers: { 'x-csrf-token': token, 'set-cookie': `${SESSION_COOKIE}=${sid}; path=/; HttpOnly` },
    body,
    applied: false,
  };
}

function csrfValid(ctx: HandlerContext, req: NativeRequest): boolean {
  const sid = new RegExp(`${SESSION_COOKIE}=([^;\\s]+)`).exec(req.headers.cookie ?? '')?.[1];
  const token = req.headers['x-csrf-token'];
  return sid !== undefined && token !== undefined && sessionsOf(ctx.store).get(sid) === token;
}

function deepInsert(ctx: HandlerContext, req: NativeRequest): NativeResult {
  if (!csrfValid(ctx, req)) {
    return {
      status: 403,
      headers: { 'x-csrf-token': 'Required', 'content-type': 'text/plain' },
      body: 'CSRF token validation failed',
      applied: false,
    };
  }
  const b = obj(req.body);
  if (!b) return odataError(400, 'CX_SADL_ENTITY_SRV/001', 'The request body must be an A_PurchaseOrder entity');
  const details: Detail[] = [];
  for (const k of Object.keys(b)) {
    if (!HEADER.has(k) && !k.startsWith('YY1_'))
      details.push({ code: '/IWBEP/CM_MGW_RT/020', message: `Property '${k}' is invalid`, target: k });
  }
  const supplier = b.Supplier;
  if (typeof supplier !== 'string' || !ctx.store.vendors.has(supplier)) {
    details.push({ code: 'ME/083', message: `Supplier ${String(supplier ?? '')} does not exist`, target: 'Supplier' });
  }
  const reference = b[REFERENCE];
  if (typeof reference !== 'string' || reference.length === 0 || reference.length > 12) {
    details.push({ code: 'ME/303', message: 'Your Reference must hold 1 to 12 characters', target: REFERENCE });
  }
  const items = obj(b.to_PurchaseOrderItem)?.results;
  if (!Array.isArray(items) || items.length === 0)
    details.push({ code: 'ME/040', message: 'Enter at least one item', target: 'to_PurchaseOrderItem' });
  const seen = new Set<string>();
  const lines: Record<string, unknown>[] = [];
  let plant: string | undefined;
  (Array.isArray(items) ? items : []).forEach((raw, i) => {
    const at = `to_PurchaseOrderItem(${i})`;
    const it = obj(raw) ?? {};
    for (const k of Object.keys(it))
      if (!ITEM.has(k)) details.push({ code: '/IWBEP/CM_MGW_RT/020', message: `Property '${k}' is invalid`, target: `${at}/${k}` });
    const no = String(it.PurchaseOrderItem ?? '');
    if (!/^\d{1,5}$/.test(no) || seen.has(no))
      details.push({ code: 'ME/072', message: `Item number ${no} is invalid or repeated`, target: `${at}/PurchaseOrderItem` });
    seen.add(no);
    if (typeof it.Material !== 'string' || !ctx.store.materials.has(it.Material)) {
      details.push({ code: 'ME/062', message: `Material ${String(it.Material ?? '')} does not exist`, target: `${at}/Material` });
    }
    if (typeof it.Plant !== 'string' || it.Plant === '') details.push({ code: 'ME/055', message: 'Enter a plant', target: `${at}/Plant` });
    else plant ??= it.Plant;
    const quantity = Number(it.OrderQuantity);
    if (typeof it.OrderQuantity !== 'string' || !(quantity > 0)) {
      details.push({ code: 'ME/064', message: 'Enter a quantity greater than zero', target: `${at}/OrderQuantity` });
    }
    const price = it.NetPriceAmount === undefined ? undefined : Number(it.NetPriceAmount);
    if (price !== undefined && !Number.isFinite(price))
      details.push({ code: 'ME/065', message: 'The net price is not a number', target: `${at}/NetPriceAmount` });
    lines.push({
      lineNo: Number(no),
      materialKey: it.Material,
      quantity,
      ...(price !== undefined ? { price } : {}),
      ...(typeof it.PurchaseOrderItemText === 'string' ? { name: it.PurchaseOrderItemText } : {}),
      ...(typeof it.PurchaseOrderQuantityUnit === 'string' ? { uomKey: it.PurchaseOrderQuantityUnit } : {}),
    });
  });
  if (details.length) return odataError(400, details[0]!.code, details[0]!.message, details);
  const now = ctx.now.toISOString();
  const po = draftPurchaseOrder(ctx, {
    code: reference as string,
    vendorKey: supplier,
    ...(typeof b.DocumentCurrency === 'string' ? { currencyKey: b.DocumentCurrency } : {}),
    ...(plant ? { siteKey: plant } : {}),
    ...(dateOf(b.PurchaseOrderDate) ? { orderDate: dateOf(b.PurchaseOrderDate) } : {}),
  });
  po.lineItems = lines.map(
    (l) => ({ key: ctx.store.keys.next(), purchaseOrderKey: po.key, ...l, createdAt: now, updatedAt: now }) as LineItemRecord,
  );
  recomputeTotals(po);
  ctx.store.purchaseOrders.set(po.key, po);
  return { status: 201, headers: { location: `A_PurchaseOrder('${po.key}')` }, body: { d: entity(po) }, applied: true };
}

function query(ctx: HandlerContext, req: NativeRequest): NativeResult {
  const filter = req.query.$filter;
  const m = filter === undefined ? undefined : new RegExp(`^${REFERENCE} eq '((?:[^']|'')*)'$`).exec(filter);
  if (filter !== undefined && !m) return odataError(400, '/IWBEP/CM_MGW_RT/022', `$filter ${filter} is not supported by this stand-in`);
  const ref = m?.[1]?.replace(/''/g, "'");
  const pos = [...ctx.store.purchaseOrders.values()].filter((po) => ref === undefined || po.code === ref);
  return { status: 200, headers: { 'content-type': 'application/json' }, body: { d: { results: pos.map(entity) } }, applied: false };
}

/** One request to the SAP stand-in. */
export function sapNative(ctx: HandlerContext, req: NativeRequest): NativeResult {
  const m = ROOT.exec(req.path);
  const rest = m?.[1] ?? '';
  if (!m) return odataError(404, '/IWFND/MED/170', `No service found for ${req.path}`);
  if (rest === '' || rest === '/') return fetchToken(ctx, req);
  if (rest === '/A_PurchaseOrder') {
    if (req.method === 'post') return deepInsert(ctx, req);
    if (req.method === 'get') return query(ctx, req);
  }
  return odataError(404, '/IWBEP/CM_MGW_RT/021', `Resource ${rest} with ${req.method.toUpperCase()} is not served by this stand-in`);
}
