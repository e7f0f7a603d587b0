// Work orders and their materials. Required fields per platform come from Makini's published
// platform validation ("POST work-orders" / "PUT work-orders"), named all at once when missing.
import { MakiniPath } from '../src/makini/workflow/contract.js';
import { applyChanges, applyReferenceField } from './behaviour.js';
import { notFound, validationFailed, writeNotAllowed, type FieldProblem } from './errors.js';
import { listed, param, read, wrote, type HandlerContext, type HandlerResult } from './handler.js';
import {
  bodyObject,
  collect,
  missingFields,
  withoutReadOnly,
  woMaterialBodySchema,
  woStatusBodySchema,
  workOrderSchema,
  WO_READ_ONLY,
} from './schemas.js';
import { presented, statusByCodeOrName, statusByKey, statusCodes, statusRows } from './statuses.js';
import { woStatusKey, type WoStatus, type WorkOrderMaterialRecord, type WorkOrderRecord } from './store.js';
import type { SystemBehaviour } from './systems.js';

const present = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));

function getWo(ctx: HandlerContext): WorkOrderRecord {
  const key = param(ctx);
  const wo = ctx.store.workOrders.get(key);
  if (!wo) throw notFound(`work order "${key}"`);
  return wo;
}

function assertOpen(wo: WorkOrderRecord, what: string): void {
  if (wo.status === 'completed' || wo.status === 'cancelled') {
    throw writeNotAllowed(`work order ${wo.key} is ${wo.status}: ${what} refused`);
  }
}

/** Read-only fields of a work-order body; `status` only where the platform publishes it as writable. */
function readOnlyFields(system: SystemBehaviour): string[] {
  return system.workOrder.extraFields.includes('status') ? [...WO_READ_ONLY] : [...WO_READ_ONLY, 'status'];
}

/** Parses a create/update body with the platform's fields and required list. */
function parseWorkOrderBody(ctx: HandlerContext, required: readonly string[], problems: FieldProblem[]) {
  const { system } = ctx;
  const body = bodyObject(ctx.body);
  const { rest, problems: readOnly } = withoutReadOnly(
    body,
    readOnlyFields(system),
    '',
    `is read-only on ${system.displayName}${'status' in body ? ' (change the status through the status endpoint, body {statusKey})' : ''}`,
  );
  problems.push(...readOnly);
  const data = collect(workOrderSchema(system.workOrder.extraFields), rest, problems);
  problems.push(...missingFields(rest, required, '', system.provider));
  const status = typeof rest.status === 'string' ? (statusByCodeOrName(ctx.behaviour, 'work-orders', rest.status) as WoStatus) : undefined;
  if (typeof rest.status === 'string' && !status) {
    problems.push({
      field: 'status',
      message: `unknown status "${rest.status}" (one of ${statusCodes(ctx.behaviour, 'work-orders').join(', ')})`,
    });
  }
  return { body, data: data && status ? { ...data, status } : data };
}

/** The work order as this connection's system shows it (status names: statuses.ts). */
const shown = (ctx: HandlerContext, wo: WorkOrderRecord) => presented(ctx.behaviour, 'work-orders', wo);

export function listWorkOrders(ctx: HandlerContext): HandlerResult {
  return listed(
    ctx,
    [...ctx.store.workOrders.values()].map((wo) => shown(ctx, wo)),
  );
}

export function getWorkOrder(ctx: HandlerContext): HandlerResult {
  return read(shown(ctx, getWo(ctx)));
}

export function createWorkOrder(ctx: HandlerContext): HandlerResult {
  const problems: FieldProblem[] = [];
  const { data } = parseWorkOrderBody(ctx, ctx.system.workOrder.createRequired, problems);
  if (problems.length || !data) throw validationFailed(problems, `The work order was not created on ${ctx.system.displayName}`);
  const now = ctx.now.toISOString();
  const status = (typeof data.status === 'string' ? data.status : 'open') as WoStatus;
  const wo: WorkOrderRecord = {
    key: ctx.store.keys.next(),
    ...present(data),
    status,
    statusKey: woStatusKey(status),
    materialCount: 0,
    createdAt: now,
    updatedAt: now,
  };
  applyReferenceField(ctx.behaviour, wo, () => ctx.store.nextWorkOrderNo());
  ctx.store.workOrders.set(wo.key, wo);
  ctx.store.workOrderMaterials.set(wo.key, []);
  return wrote(shown(ctx, wo));
}

/** PUT: partial fields, except that platforms requiring fields on PUT (MaintainX) want them every time. */
export function updateWorkOrder(ctx: HandlerContext): HandlerResult {
  const wo = getWo(ctx);
  assertOpen(wo, 'update');
  const problems: FieldProblem[] = [];
  const { body, data } = parseWorkOrderBody(ctx, ctx.system.workOrder.updateRequired, problems);
  if (Object.keys(body).length === 0) problems.push({ field: '(body)', message: 'names no field to change' });
  if (problems.length || !data) throw validationFailed(problems, `Work order ${wo.key} was not changed on ${ctx.system.displayName}`);
  applyChanges(ctx.behaviour, wo, data);
  if (typeof data.status === 'string') wo.statusKey = woStatusKey(data.status as WoStatus);
  wo.updatedAt = ctx.now.toISOString();
  return wrote(shown(ctx, wo));
}

/** PUT .../status `{statusKey}` with a key from GET /statuses/work-orders. */
export function setWorkOrderStatus(ctx: HandlerContext): HandlerResult {
  const wo = getWo(ctx);
  const problems: FieldProblem[] = [];
  const body = collect(woStatusBodySchema, bodyObject(ctx.body), problems);
  if (!body) throw validationFailed(problems);
  const target = statusByKey(ctx.behaviour, 'work-orders', body.statusKey) as WoStatus | undefined;
  if (!target) {
    throw validationFailed([
      {
        field: 'statusKey',
        message:
          `unknown status key "${body.statusKey}" (one of ${statusRows(ctx.behaviour, 'work-orders')
            .map((r) => r.key)
            .join(', ')}; ` + `see GET ${MakiniPath.statuses('work-orders')})`,
      },
    ]);
  }
  if (wo.status === target) return read(shown(ctx, wo));
  if (wo.status === 'cancelled') throw writeNotAllowed(`work order ${wo.key} is cancelled: it refuses every further change`);
  const now = ctx.now.toISOString();
  wo.status = target;
  wo.statusKey = woStatusKey(target);
  if (target === 'completed') wo.completedAt = now;
  else delete wo.completedAt;
  wo.updatedAt = now;
  return wrote(shown(ctx, wo));
}

function materialsOf(ctx: HandlerContext, wo: WorkOrderRecord): WorkOrderMaterialRecord[] {
  let list = ctx.store.workOrderMaterials.get(wo.key);
  if (!list) ctx.store.workOrderMaterials.set(wo.key, (list = []));
  return list;
}

export function listWorkOrderMaterials(ctx: HandlerContext): HandlerResult {
  const wo = getWo(ctx);
  return listed(ctx, materialsOf(ctx, wo));
}

/** POST .../materials `{materialKey, quantity}`: a material once per work order (PUT changes it), unless `repeatedLines: 'accepted'`. */
export function addWorkOrderMaterial(ctx: HandlerContext): HandlerResult {
  const wo = getWo(ctx);
  assertOpen(wo, 'adding a material');
  const problems: FieldProblem[] = [];
  const raw = bodyObject(ctx.body);
  const body = collect(woMaterialBodySchema, raw, problems);
  problems.push(...missingFields(raw, ['materialKey']));
  if (raw.quantity == null && raw.requiredQuantity == null) problems.push({ field: 'quantity', message: 'is required' });
  const materialKey = typeof raw.materialKey === 'string' ? raw.materialKey : undefined;
  if (materialKey && !ctx.store.materials.has(materialKey))
    problems.push({ field: 'materialKey', message: `material "${materialKey}" does not exist` });
  if (problems.length || !body || !materialKey) throw validationFailed(problems, `No material was added to work order ${wo.key}`);
  const list = materialsOf(ctx, wo);
  const existing = list.find((m) => m.materialKey === materialKey);
  if (existing && ctx.behaviour.repeatedLines === 'refused') {
    throw writeNotAllowed(
      `material ${materialKey} is already on work order ${wo.key} (quantity ${existing.quantity}); ` +
        `change it with PUT ${MakiniPath.workOrderMaterial(wo.key, materialKey)}`,
    );
  }
  const now = ctx.now.toISOString();
  const quantity = body.quantity ?? body.requiredQuantity ?? 0;
  const record: WorkOrderMaterialRecord = {
    key: ctx.store.keys.next(),
    workOrderKey: wo.key,
    ...present(body),
    materialKey,
    quantity,
    requiredQuantity: body.requiredQuantity ?? quantity,
    createdAt: now,
    updatedAt: now,
  };
  list.push(record);
  wo.materialCount = list.length;
  wo.updatedAt = now;
  return wrote(record);
}

/** PUT .../materials/{materialKey}: change the quantity of a material already on the work order. */
export function updateWorkOrderMaterial(ctx: HandlerContext): HandlerResult {
  const wo = getWo(ctx);
  const materialKey = param(ctx, 1);
  const record = materialsOf(ctx, wo).find((m) => m.materialKey === materialKey);
  if (!record) throw notFound(`material "${materialKey}" on work order ${wo.key}`);
  assertOpen(wo, 'changing a material');
  const problems: FieldProblem[] = [];
  const raw = bodyObject(ctx.body);
  const body = collect(woMaterialBodySchema, raw, problems);
  if (raw.materialKey != null && raw.materialKey !== materialKey) {
    problems.push({ field: 'materialKey', message: `must be ${materialKey} (the material in the path) or left out` });
  }
  if (raw.quantity == null && raw.requiredQuantity == null && raw.usedQuantity == null) {
    problems.push({ field: 'quantity', message: 'is required (or requiredQuantity / usedQuantity)' });
  }
  if (problems.length || !body) throw validationFailed(problems, `Material ${materialKey} of work order ${wo.key} was not changed`);
  for (const [k, v] of Object.entries(present(body))) record[k] = v;
  if (body.quantity != null) record.requiredQuantity = body.requiredQuantity ?? body.quantity;
  else if (body.requiredQuantity != null) record.quantity = body.requiredQuantity;
  const now = ctx.now.toISOString();
  record.updatedAt = now;
  wo.updatedAt = now;
  return wrote(record);
}
