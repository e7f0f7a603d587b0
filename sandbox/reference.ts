// The connection itself, reference data (vendors, statuses) and inventories.
import { notFound, validationFailed, type FieldProblem } from './errors.js';
import { listed, param, read, wrote, type HandlerContext, type HandlerResult } from './handler.js';
import { bodyObject, collect, INVENTORY_READ_ONLY, inventoryBodySchema, withoutReadOnly } from './schemas.js';
import { statusRows, type StatusEntity } from './statuses.js';
import type { InventoryRecord } from './store.js';

/** GET /integrations/current: which system this connection is [spec]. */
export function integrationCurrent(ctx: HandlerContext): HandlerResult {
  return read({
    id: ctx.connectionId,
    provider: ctx.system.provider,
    company_name: `Sandbox Industries (${ctx.system.displayName})`,
    email: `makini-sandbox+${ctx.connectionId}@example.com`,
    sync_status: 'completed',
    updated_at: ctx.store.connectedAt,
    sync_updated_at: ctx.now.toISOString(),
  });
}

export function listVendors(ctx: HandlerContext): HandlerResult {
  return listed(ctx, [...ctx.store.vendors.values()]);
}

/** GET /vendors/{key} [spec]: what a client asks to learn whether a `vendorKey` exists. */
export function getVendor(ctx: HandlerContext): HandlerResult {
  return read(byKey(ctx.store.vendors, 'vendor', param(ctx)));
}

export function listSites(ctx: HandlerContext): HandlerResult {
  return listed(ctx, [...ctx.store.sites.values()]);
}

export function getSite(ctx: HandlerContext): HandlerResult {
  return read(byKey(ctx.store.sites, 'site', param(ctx)));
}

export function listUnitsOfMeasure(ctx: HandlerContext): HandlerResult {
  return listed(ctx, [...ctx.store.unitsOfMeasure.values()]);
}

export function getUnitOfMeasure(ctx: HandlerContext): HandlerResult {
  return read(byKey(ctx.store.unitsOfMeasure, 'unit of measure', param(ctx)));
}

function byKey<T>(records: ReadonlyMap<string, T>, what: string, key: string): T {
  const record = records.get(key);
  if (!record) throw notFound(`${what} "${key}"`);
  return record;
}

const SEED_TIME = '2025-01-01T00:00:00.000Z';

/** GET /statuses/<entity>: key, code and name of each status as this connection's system names them. */
function statusList(ctx: HandlerContext, entity: StatusEntity): HandlerResult {
  const rows = statusRows(ctx.behaviour, entity).map(({ key, code, name }) => ({
    key,
    name,
    code,
    scope: entity,
    isActive: true,
    createdAt: SEED_TIME,
    updatedAt: SEED_TIME,
  }));
  return listed(ctx, rows);
}

export const purchaseOrderStatuses = (ctx: HandlerContext) => statusList(ctx, 'purchase-orders');
export const workOrderStatuses = (ctx: HandlerContext) => statusList(ctx, 'work-orders');

export function listInventories(ctx: HandlerContext): HandlerResult {
  return listed(ctx, [...ctx.store.inventories.values()]);
}

function getInv(ctx: HandlerContext, key: string): InventoryRecord {
  const inv = ctx.store.inventories.get(key);
  if (!inv) throw notFound(`inventory "${key}"`);
  return inv;
}

export function getInventory(ctx: HandlerContext): HandlerResult {
  return read(getInv(ctx, param(ctx)));
}

/** Absolute values (not deltas): a repeated PUT leaves the same state. `updatedAt` always moves forward. */
function applyInventory(ctx: HandlerContext, inv: InventoryRecord): HandlerResult {
  const raw = bodyObject(ctx.body);
  const problems: FieldProblem[] = [];
  const { rest, problems: readOnly } = withoutReadOnly(raw, INVENTORY_READ_ONLY);
  problems.push(...readOnly);
  const changes = collect(inventoryBodySchema, rest, problems);
  if (Object.keys(raw).length === 0) problems.push({ field: '(body)', message: 'names no field to change' });
  if (problems.length || !changes) throw validationFailed(problems, `Inventory ${inv.key} was not changed`);
  for (const [k, v] of Object.entries(changes)) {
    if (v !== undefined && v !== null) (inv as unknown as Record<string, unknown>)[k] = v;
  }
  // Strictly increasing, so that clients comparing updatedAt see every write.
  inv.updatedAt = new Date(Math.max(ctx.now.getTime(), Date.parse(inv.updatedAt) + 1)).toISOString();
  return wrote(inv);
}

export function updateInventory(ctx: HandlerContext): HandlerResult {
  return applyInventory(ctx, getInv(ctx, param(ctx)));
}

/** GET /materials/{key}: the material (Makini `Part`) with its `inventories` [spec]. */
export function getMaterial(ctx: HandlerContext): HandlerResult {
  const material = ctx.store.materials.get(param(ctx));
  if (!material) throw notFound(`material "${param(ctx)}"`);
  const inventory = ctx.store.inventories.get(material.inventoryKey);
  return read({ ...material, inventories: inventory ? [inventory] : [] });
}

/** PUT /materials/{key}/inventory: the material's own inventory record. */
export function updateMaterialInventory(ctx: HandlerContext): HandlerResult {
  const material = ctx.store.materials.get(param(ctx));
  if (!material) throw notFound(`material "${param(ctx)}"`);
  return applyInventory(ctx, getInv(ctx, material.inventoryKey));
}
