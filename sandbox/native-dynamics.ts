// The sandbox's stand-in for Dynamics 365 F&O's OData $batch behind Makini's passthrough, as
// src/makini/passthrough/dynamics-batch.ts cites it: one changeset of a PurchaseOrderHeadersV2 POST
// and its PurchaseOrderLinesV2 POSTs is applied all or nothing; the batch answers 200 (multipart)
// whatever the changeset did, a failed changeset with ONE error part carrying the failing
// operation's Content-ID. The PO number is the entity key: a second header with it is refused as
// existing. `GET data/PurchaseOrderHeadersV2?$filter=PurchaseOrderNumber eq '…'&$expand=PurchaseOrderLinesV2`
// finds it. The record is the connection's purchase order (key and code = the PO number).
import { boundaryOf, httpPart, multipart, parseHttpPart, partHeaders, splitParts } from '../src/makini/passthrough/multipart.js';
import type { HandlerContext } from './handler.js';
import type { NativeRequest, NativeResult } from './native-netsuite.js';
import { draftPurchaseOrder, recomputeTotals } from './purchase-orders.js';
import type { LineItemRecord, PurchaseOrderRecord } from './store.js';

const HEADER = new Set([
  'PurchaseOrderNumber',
  'OrderVendorAccountNumber',
  'CurrencyCode',
  'DefaultReceivingSiteId',
  'dataAreaId',
  'PurchaseOrderName',
  'AccountingDate',
]);
const LINE = new Set([
  'PurchaseOrderNumber',
  'LineNumber',
  'ItemNumber',
  'OrderedPurchaseQuantity',
  'PurchasePrice',
  'LineDescription',
  'PurchaseUnitSymbol',
  'dataAreaId',
]);
const JSON_HEADERS = { 'Content-Type': 'application/json; odata.metadata=minimal' };

interface Problem {
  target?: string;
  message: string;
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
/** A part's JSON object body, or undefined (then the operation is refused). */
const jsonOf = (text: string): Record<string, unknown> | undefined => {
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
};

function header(po: PurchaseOrderRecord, withLines: boolean): Record<string, unknown> {
  return {
    PurchaseOrderNumber: po.key,
    OrderVendorAccountNumber: po.vendorKey,
    CurrencyCode: po.currencyKey ?? '',
    DefaultReceivingSiteId: po.siteKey ?? '',
    PurchaseOrderName: po.title ?? '',
    PurchaseOrderStatus: po.status === 'cancelled' ? 'Canceled' : 'Backorder',
    ...(withLines
      ? {
          PurchaseOrderLinesV2: po.lineItems.map((l) => ({
            PurchaseOrderNumber: po.key,
            LineNumber: Number(l.lineNo),
            ItemNumber: l.materialKey,
            OrderedPurchaseQuantity: l.quantity,
            PurchasePrice: l.price ?? 0,
            ...(l.name !== undefined ? { LineDescription: l.name } : {}),
            ...(l.uomKey !== undefined ? { PurchaseUnitSymbol: l.uomKey } : {}),
          })),
        }
      : {}),
  };
}

const batchAnswer = (parts: string[]): NativeResult => {
  const boundary = `batchresponse_${Math.random().toString(36).slice(2, 10)}`;
  const changeset = `changesetresponse_${Math.random().toString(36).slice(2, 10)}`;
  const inner = `Content-Type: multipart/mixed; boundary=${changeset}\r\n\r\n${multipart(changeset, parts)}`;
  return {
    status: 200,
    headers: { 'content-type': `multipart/mixed; boundary=${boundary}` },
    body: multipart(boundary, [inner]),
    applied: false,
  };
};

function failed(contentId: string | undefined, status: number, problems: Problem[]): NativeResult {
  const error = {
    code: '',
    message: 'An error has occurred.',
    details: problems.map((p) => ({ code: '', message: p.message, target: p.target ?? '' })),
    innererror: {
      message: problems.map((p) => p.message).join(' '),
      type: 'Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException',
    },
  };
  return batchAnswer([
    httpPart(contentId, `HTTP/1.1 ${status} ${status === 409 ? 'Conflict' : 'Bad Request'}`, JSON_HEADERS, JSON.stringify({ error })),
  ]);
}

function batch(ctx: HandlerContext, req: NativeRequest): NativeResult {
  const boundary = boundaryOf(req.headers['content-type']);
  if (!boundary || typeof req.body !== 'string')
    return failed(undefined, 400, [{ message: 'The batch needs a multipart/mixed body and its boundary' }]);
  const [first] = splitParts(req.body, boundary);
  const { headers, rest } = partHeaders(first ?? '');
  const changeset = boundaryOf(headers['content-type']);
  if (!changeset) return failed(undefined, 400, [{ message: 'This stand-in takes one changeset per batch' }]);
  const ops = splitParts(rest, changeset).map(parseHttpPart);
  const [head, ...lineOps] = ops;
  if (!head || !/^POST \/?PurchaseOrderHeadersV2 HTTP\/1\.1$/.test(head.startLine)) {
    return failed(head?.mime['content-id'], 400, [{ message: 'The changeset must start with POST PurchaseOrderHeadersV2' }]);
  }
  const headId = head.mime['content-id'];
  const h = jsonOf(head.body);
  if (!h) return failed(headId, 400, [{ message: 'The body is not a JSON object' }]);
  const problems: Problem[] = Object.keys(h)
    .filter((k) => !HEADER.has(k))
    .map((k) => ({ target: k, message: `The property '${k}' does not exist on type 'PurchaseOrderHeaderV2'` }));
  const number = h.PurchaseOrderNumber;
  if (typeof number !== 'string' || !/^[A-Za-z0-9_-]{1,20}$/.test(number))
    problems.push({ target: 'PurchaseOrderNumber', message: 'Purchase order number must hold 1 to 20 characters' });
  if (typeof h.OrderVendorAccountNumber !== 'string' || !ctx.store.vendors.has(h.OrderVendorAccountNumber)) {
    problems.push({
      target: 'OrderVendorAccountNumber',
      message: `Vendor account ${String(h.OrderVendorAccountNumber ?? '')} does not exist.`,
    });
  }
  if (problems.length) return failed(headId, 400, problems);
  if (ctx.store.purchaseOrders.has(number as string)) {
    return failed(headId, 400, [
      { message: `Cannot create a record in Purchase orders (PurchTable). Purchase order: ${String(number)}. The record already exists.` },
    ]);
  }
  const lines: Record<string, unknown>[] = [];
  for (const op of lineOps) {
    const id = op.mime['content-id'];
    if (!/^POST \/?PurchaseOrderLinesV2 HTTP\/1\.1$/.test(op.startLine))
      return failed(id, 400, [{ message: `Unexpected operation ${op.startLine}` }]);
    const l = jsonOf(op.body);
    if (!l) return failed(id, 400, [{ message: 'The body is not a JSON object' }]);
    const lp: Problem[] = Object.keys(l)
      .filter((k) => !LINE.has(k))
      .map((k) => ({ target: k, message: `The property '${k}' does not exist on type 'PurchaseOrderLineV2'` }));
    if (l.PurchaseOrderNumber !== number) lp.push({ target: 'PurchaseOrderNumber', message: 'The line names another purchase order' });
    if (typeof l.ItemNumber !== 'string' || !ctx.store.materials.has(l.ItemNumber))
      lp.push({ target: 'ItemNumber', message: `Item number ${String(l.ItemNumber ?? '')} does not exist.` });
    if (typeof l.OrderedPurchaseQuantity !== 'number' || !(l.OrderedPurchaseQuantity > 0))
      lp.push({ target: 'OrderedPurchaseQuantity', message: 'The quantity must be positive.' });
    if (lines.some((x) => x.lineNo === l.LineNumber))
      lp.push({ target: 'LineNumber', message: `Line number ${String(l.LineNumber)} already exists.` });
    // The changeset stops at its first failing operation: nothing of it is kept.
    if (lp.length) return failed(id, 400, lp);
    lines.push({
      lineNo: l.LineNumber,
      materialKey: l.ItemNumber,
      quantity: l.OrderedPurchaseQuantity,
      ...(l.PurchasePrice !== undefined ? { price: l.PurchasePrice } : {}),
      ...(typeof l.LineDescription === 'string' ? { name: l.LineDescription } : {}),
      ...(typeof l.PurchaseUnitSymbol === 'string' ? { uomKey: l.PurchaseUnitSymbol } : {}),
    });
  }
  const now = ctx.now.toISOString();
  const po = draftPurchaseOrder(ctx, {
    key: number,
    code: number,
    vendorKey: h.OrderVendorAccountNumber,
    ...(typeof h.CurrencyCode === 'string' ? { currencyKey: h.CurrencyCode } : {}),
    ...(typeof h.DefaultReceivingSiteId === 'string' ? { siteKey: h.DefaultReceivingSiteId } : {}),
    ...(typeof h.PurchaseOrderName === 'string' ? { title: h.PurchaseOrderName } : {}),
  });
  po.lineItems = lines.map(
    (l) => ({ key: ctx.store.keys.next(), purchaseOrderKey: po.key, ...l, createdAt: now, updatedAt: now }) as LineItemRecord,
  );
  recomputeTotals(po);
  ctx.store.purchaseOrders.set(po.key, po);
  const createdLines = header(po, true).PurchaseOrderLinesV2 as unknown[];
  const answer = batchAnswer([
    httpPart(headId, 'HTTP/1.1 201 Created', JSON_HEADERS, JSON.stringify(header(po, false))),
    ...lineOps.map((op, i) => httpPart(op.mime['content-id'], 'HTTP/1.1 201 Created', JSON_HEADERS, JSON.stringify(createdLines[i]))),
  ]);
  return { ...answer, applied: true };
}

function query(ctx: HandlerContext, req: NativeRequest): NativeResult {
  const m = /^PurchaseOrderNumber eq '((?:[^']|'')*)'$/.exec(req.query.$filter ?? '');
  if (!m)
    return {
      status: 400,
      headers: {},
      body: { error: { code: '', message: `$filter ${req.query.$filter ?? ''} is not supported by this stand-in` } },
      applied: false,
    };
  const number = m[1]!.replace(/''/g, "'");
  const po = ctx.store.purchaseOrders.get(number);
  const expand = req.query.$expand === 'PurchaseOrderLinesV2';
  return { status: 200, headers: { 'content-type': 'application/json' }, body: { value: po ? [header(po, expand)] : [] }, applied: false };
}

/** One request to the Dynamics stand-in. */
export function dynamicsNative(ctx: HandlerContext, req: NativeRequest): NativeResult {
  const path = req.path.replace(/^\//, '');
  if (path === 'data/$batch' && req.method === 'post') return batch(ctx, req);
  if (path === 'data/PurchaseOrderHeadersV2' && req.method === 'get') return query(ctx, req);
  return {
    status: 404,
    headers: {},
    body: { error: { code: '', message: `No resource ${req.method.toUpperCase()} ${req.path} in this stand-in` } },
    applied: false,
  };
}
