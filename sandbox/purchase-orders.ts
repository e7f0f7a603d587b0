// Purchase orders and their lines: one transaction per request, per-system line and state rules.
import { MakiniPath } from '../src/makini/workflow/contract.js';
import { applyChanges, applyReferenceField } from './behaviour.js';
import { notFound, validationFailed, writeNotAllowed, type FieldProblem } from './errors.js';
import { listed, param, read, wrote, type HandlerContext, type HandlerResult } from './handler.js';
import {
  bodyObject,
  collect,
  isMissing,
  LINE_READ_ONLY,
  missingFields,
  PO_READ_ONLY,
  poHeaderSchema,
  poLineSchema,
  poStatusBodySchema,
  withoutReadOnly,
  type PoLineBody,
} from './schemas.js';
import { presented, statusByCode, statusCodes } from './statuses.js';
import { poStatusKey, type ConnectionStore, type LineItemRecord, type PoStatus, type PurchaseOrderRecord } from './store.js';
import { allowedPoTransitions, type SystemBehaviour } from './systems.js';

/** Present fields only: null on create means "not set". */
const present = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));

function getPo(ctx: HandlerContext): PurchaseOrderRecord {
  const key = param(ctx);
  const po = ctx.store.purchaseOrders.get(key);
  if (!po) throw notFound(`purchase order "${key}"`);
  return po;
}

/** Refuses changes to a PO whose state locks it (cancelled/closed: final; approved: locked). */
function assertChangeable(po: PurchaseOrderRecord, system: SystemBehaviour, what: string): void {
  if (po.status === 'cancelled' || po.status === 'closed') {
    throw writeNotAllowed(
      `purchase order ${po.key} is ${po.status}: a ${po.status} purchase order refuses every further change (${what} refused)`,
    );
  }
  if (po.status === 'approved') {
    const allowed = system.purchaseOrder.fromApproved;
    throw writeNotAllowed(
      `purchase order ${po.key} is approved: an approved purchase order cannot be changed on ${system.displayName} ` +
        `(${what} refused); its status can only change to ${allowed.join(' or ')}`,
    );
  }
}

/** Validates one line body, adding every problem; returns it when valid. */
function parseLine(ctx: HandlerContext, raw: unknown, prefix: string, problems: FieldProblem[]): PoLineBody | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ field: prefix.replace(/\.$/, '') || '(body)', message: 'must be a line item object' });
    return undefined;
  }
  const { rest, problems: readOnly } = withoutReadOnly(raw as Record<string, unknown>, LINE_READ_ONLY, prefix);
  problems.push(...readOnly);
  const before = problems.length;
  const path = prefix
    ? prefix
        .replace(/\.$/, '')
        .split('.')
        .map((p) => (/^\d+$/.test(p) ? Number(p) : p))
    : [];
  const line = collect(poLineSchema, rest, problems, path);
  problems.push(...missingFields(rest, ctx.system.purchaseOrder.requiredLine, prefix, ctx.system.provider));
  if (typeof rest.materialKey === 'string' && rest.materialKey && !ctx.store.materials.has(rest.materialKey)) {
    problems.push({ field: `${prefix}materialKey`, message: `material "${rest.materialKey}" does not exist` });
  }
  return problems.length === before ? line : undefined;
}

const lineNoKey = (n: unknown) => String(n).replace(/^0+(?=\d)/, '');

function numericMax(lines: readonly LineItemRecord[]): number {
  return lines.reduce((m, l) => Math.max(m, Number.isFinite(Number(l.lineNo)) ? Number(l.lineNo) : 0), 0);
}

export function recomputeTotals(po: PurchaseOrderRecord): void {
  const net = po.lineItems.reduce(
    (sum, l) => sum + (typeof l.quantity === 'number' ? l.quantity : 0) * (typeof l.price === 'number' ? l.price : 0),
    0,
  );
  po.totalNetValue = Math.round(net * 100) / 100;
  po.totalGrossValue = po.totalNetValue;
}

function newLine(store: ConnectionStore, po: PurchaseOrderRecord, body: PoLineBody, lineNo: number | string, now: string): LineItemRecord {
  return { key: store.keys.next(), purchaseOrderKey: po.key, ...present(body), lineNo, createdAt: now, updatedAt: now };
}

/** A new draft PO with the system's next document number (the native stand-ins' creates). */
export function draftPurchaseOrder(ctx: HandlerContext, fields: Record<string, unknown>): PurchaseOrderRecord {
  const now = ctx.now.toISOString();
  return {
    key: ctx.store.keys.next(),
    ...fields,
    orderNo: ctx.store.nextOrderNo(),
    status: 'draft',
    statusKey: poStatusKey('draft'),
    createdAt: now,
    updatedAt: now,
    lineItems: [],
  };
}

/** The PO as this connection's system shows it (status names: statuses.ts). */
const shown = (ctx: HandlerContext, po: PurchaseOrderRecord) => presented(ctx.behaviour, 'purchase-orders', po);

export function listPurchaseOrders(ctx: HandlerContext): HandlerResult {
  return listed(
    ctx,
    [...ctx.store.purchaseOrders.values()].map((po) => shown(ctx, po)),
  );
}

export function getPurchaseOrder(ctx: HandlerContext): HandlerResult {
  return read(shown(ctx, getPo(ctx)));
}

/** POST: header and optional `lineItems` in one transaction; any problem stores nothing. */
export function createPurchaseOrder(ctx: HandlerContext): HandlerResult {
  const { system, store } = ctx;
  const rules = system.purchaseOrder;
  const body = bodyObject(ctx.body);
  const problems: FieldProblem[] = [];
  const { lineItems: rawLines, ...rawHeader } = body;
  const { rest, problems: readOnly } = withoutReadOnly(rawHeader, PO_READ_ONLY);
  problems.push(...readOnly);
  const header = collect(poHeaderSchema, rest, problems);
  problems.push(...missingFields(rest, rules.requiredHeader, '', system.provider));
  if (typeof rest.vendorKey === 'string' && rest.vendorKey && !store.vendors.has(rest.vendorKey)) {
    problems.push({ field: 'vendorKey', message: `vendor "${rest.vendorKey}" does not exist` });
  }
  if (rawLines !== undefined && rawLines !== null && !Array.isArray(rawLines))
    problems.push({ field: 'lineItems', message: 'must be a list of line items' });
  const rawList: unknown[] = Array.isArray(rawLines) ? rawLines : [];
  if (rules.linesRequiredOnCreate && rawList.length === 0) {
    problems.push({ field: 'lineItems', message: `${system.displayName} needs at least one line item in the same request as the header` });
  }
  const lines = rawList.map((raw, i) => parseLine(ctx, raw, `lineItems.${i}.`, problems));
  const seen = new Map<string, number>();
  lines.forEach((l, i) => {
    if (l?.lineNo == null) return;
    const k = lineNoKey(l.lineNo);
    if (seen.has(k))
      problems.push({ field: `lineItems.${i}.lineNo`, message: `duplicate lineNo ${l.lineNo} (also lineItems.${seen.get(k)})` });
    else seen.set(k, i);
  });
  if (problems.length || !header) throw validationFailed(problems, 'The purchase order was not created (nothing was stored)');

  const now = ctx.now.toISOString();
  const po: PurchaseOrderRecord = {
    key: store.keys.next(),
    ...present(header),
    orderNo: header.orderNo ?? store.nextOrderNo(),
    status: 'draft',
    statusKey: poStatusKey('draft'),
    createdAt: now,
    updatedAt: now,
    lineItems: [],
  };
  // The system's document number goes where a rewriting system puts its own reference.
  applyReferenceField(ctx.behaviour, po, () => (header.orderNo == null ? String(po.orderNo) : store.nextOrderNo()));
  let next = Math.max(0, ...[...seen.keys()].map(Number).filter(Number.isFinite));
  for (const l of lines as PoLineBody[]) po.lineItems.push(newLine(store, po, l, l.lineNo ?? ++next, now));
  recomputeTotals(po);
  store.purchaseOrders.set(po.key, po);
  return wrote(shown(ctx, po));
}

/** PUT: partial header fields. Lines are not changed here. */
export function updatePurchaseOrder(ctx: HandlerContext): HandlerResult {
  const { system } = ctx;
  const po = getPo(ctx);
  assertChangeable(po, system, 'update');
  const body = bodyObject(ctx.body);
  const problems: FieldProblem[] = [];
  const { lineItems, ...rawHeader } = body;
  if (lineItems !== undefined) {
    problems.push({
      field: 'lineItems',
      message:
        system.purchaseOrder.lines === 'with-header'
          ? `${system.displayName} creates lines only with the header; PUT changes header fields only`
          : `PUT changes header fields only; add a line with POST ${MakiniPath.purchaseOrderLineItemsOf(po.key)}`,
    });
  }
  const { rest: notComputed, problems: readOnly } = withoutReadOnly(rawHeader, PO_READ_ONLY);
  const { rest, problems: fixed } = withoutReadOnly(
    notComputed,
    system.purchaseOrder.updateReadOnly,
    '',
    `cannot be changed after the purchase order is created on ${system.displayName}`,
  );
  problems.push(...readOnly, ...fixed);
  if (Object.keys(body).length === 0) problems.push({ field: '(body)', message: 'names no field to change' });
  const changes = collect(poHeaderSchema, rest, problems);
  for (const f of system.purchaseOrder.requiredHeader) {
    if (f in rest && isMissing(rest[f])) problems.push({ field: f, message: `is required on ${system.provider} and cannot be cleared` });
  }
  if (typeof rest.vendorKey === 'string' && rest.vendorKey && !ctx.store.vendors.has(rest.vendorKey)) {
    problems.push({ field: 'vendorKey', message: `vendor "${rest.vendorKey}" does not exist` });
  }
  if (problems.length || !changes) throw validationFailed(problems, `Purchase order ${po.key} was not changed`);
  applyChanges(ctx.behaviour, po, changes);
  po.updatedAt = ctx.now.toISOString();
  return wrote(shown(ctx, po));
}

/**
 * PUT .../status `{status}`: the only way to approve, close or cancel (nothing is deleted). The
 * body names the status by its code from GET /statuses/purchase-orders, exactly (the client's
 * [assumed] choice, PO_STATUS_BODY_NAMES_BY in src/makini/workflow/contract.ts); a key or a name is refused.
 */
export function setPurchaseOrderStatus(ctx: HandlerContext): HandlerResult {
  const { system } = ctx;
  const po = getPo(ctx);
  const problems: FieldProblem[] = [];
  const body = collect(poStatusBodySchema, bodyObject(ctx.body), problems);
  if (!body) throw validationFailed(problems);
  const target = statusByCode(ctx.behaviour, 'purchase-orders', body.status) as PoStatus | undefined;
  if (!target) {
    const codes = statusCodes(ctx.behaviour, 'purchase-orders');
    throw validationFailed([{ field: 'status', message: `unknown status "${body.status}" (one of the status codes ${codes.join(', ')})` }]);
  }
  // PUT is idempotent: asking for the current status changes nothing.
  if (po.status === target) return read(shown(ctx, po));
  const allowed = allowedPoTransitions(system, po.status);
  if (!allowed.includes(target)) {
    if (po.status === 'cancelled' || po.status === 'closed') assertChangeable(po, system, `status change to ${target}`);
    throw writeNotAllowed(
      `purchase order ${po.key} cannot go from ${po.status} to ${target} on ${system.displayName}; ` +
        `allowed: ${allowed.length ? allowed.join(', ') : 'none'}`,
    );
  }
  if (target === 'approved' && po.lineItems.length === 0) {
    throw writeNotAllowed(`purchase order ${po.key} has no lines: a purchase order needs at least one line to be approved`);
  }
  const now = ctx.now.toISOString();
  po.status = target;
  po.statusKey = poStatusKey(target);
  if (target === 'approved') po.approvedAt = now;
  if (target === 'closed') po.completedAt = now;
  po.updatedAt = now;
  return wrote(shown(ctx, po));
}

/** POST .../line-items: one more line, on systems that allow lines after the header. */
export function addPurchaseOrderLine(ctx: HandlerContext): HandlerResult {
  const { system, store } = ctx;
  const po = getPo(ctx);
  if (system.purchaseOrder.lines === 'with-header') {
    throw writeNotAllowed(
      `${system.displayName} requires purchase order lines to be created with the header, in the same request ` +
        `(POST ${MakiniPath.purchaseOrders()} with lineItems); lines cannot be added to purchase order ${po.key} afterwards`,
    );
  }
  assertChangeable(po, system, 'adding a line');
  const problems: FieldProblem[] = [];
  const line = parseLine(ctx, bodyObject(ctx.body), '', problems);
  if (problems.length || !line) throw validationFailed(problems, `No line was added to purchase order ${po.key}`);
  if (line.lineNo != null && ctx.behaviour.repeatedLines === 'refused') {
    const clash = po.lineItems.find((l) => lineNoKey(l.lineNo) === lineNoKey(line.lineNo));
    if (clash) {
      throw writeNotAllowed(`line ${line.lineNo} already exists on purchase order ${po.key} (line key ${clash.key})`);
    }
  }
  const now = ctx.now.toISOString();
  const record = newLine(store, po, line, line.lineNo ?? numericMax(po.lineItems) + 1, now);
  po.lineItems.push(record);
  recomputeTotals(po);
  po.updatedAt = now;
  return wrote(record);
}

export function listPurchaseOrderLines(ctx: HandlerContext): HandlerResult {
  return listed(ctx, ctx.store.allLines());
}

export function getPurchaseOrderLine(ctx: HandlerContext): HandlerResult {
  const line = ctx.store.findLine(param(ctx));
  if (!line) throw notFound(`purchase order line "${param(ctx)}"`);
  return read(line);
}
