// The public endpoints, built from MakiniPath so the sandbox serves exactly the client's paths.
import { MakiniPath } from '../src/makini/workflow/contract.js';
import type { Handler } from './handler.js';
import * as po from './purchase-orders.js';
import { passthrough } from './passthrough.js';
import * as ref from './reference.js';
import * as wo from './work-orders.js';

export type PublicMethod = 'GET' | 'POST' | 'PUT';

export interface Route {
  template: string;
  pattern: RegExp;
  /** Operation name per method, e.g. `purchaseOrder.create` (request log, counters). */
  operations: Partial<Record<PublicMethod, { name: string; handler: Handler }>>;
}

// Placeholders made of URL-safe characters, so MakiniPath's encoding leaves them intact.
const K1 = 'SANDBOXKEYONE';
const K2 = 'SANDBOXKEYTWO';

function route(template: string, operations: Route['operations']): Route {
  const escaped = template
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(K1, '([^/]+)')
    .replace(K2, '([^/]+)');
  return { template, pattern: new RegExp(`^${escaped}$`), operations };
}

const op = (name: string, handler: Handler) => ({ name, handler });

export const ROUTES: readonly Route[] = [
  route(MakiniPath.integrationCurrent(), { GET: op('integration.current', ref.integrationCurrent) }),
  route(MakiniPath.purchaseOrders(), {
    GET: op('purchaseOrder.list', po.listPurchaseOrders),
    POST: op('purchaseOrder.create', po.createPurchaseOrder),
  }),
  route(MakiniPath.purchaseOrder(K1), {
    GET: op('purchaseOrder.get', po.getPurchaseOrder),
    PUT: op('purchaseOrder.update', po.updatePurchaseOrder),
  }),
  route(MakiniPath.purchaseOrderStatus(K1), { PUT: op('purchaseOrder.status', po.setPurchaseOrderStatus) }),
  route(MakiniPath.purchaseOrderLineItemsOf(K1), { POST: op('purchaseOrder.addLine', po.addPurchaseOrderLine) }),
  route(MakiniPath.purchaseOrderLineItems(), { GET: op('purchaseOrderLine.list', po.listPurchaseOrderLines) }),
  route(MakiniPath.purchaseOrderLineItem(K1), { GET: op('purchaseOrderLine.get', po.getPurchaseOrderLine) }),
  route(MakiniPath.workOrders(), { GET: op('workOrder.list', wo.listWorkOrders), POST: op('workOrder.create', wo.createWorkOrder) }),
  route(MakiniPath.workOrder(K1), { GET: op('workOrder.get', wo.getWorkOrder), PUT: op('workOrder.update', wo.updateWorkOrder) }),
  route(MakiniPath.workOrderStatus(K1), { PUT: op('workOrder.status', wo.setWorkOrderStatus) }),
  route(MakiniPath.workOrderMaterials(K1), {
    GET: op('workOrderMaterial.list', wo.listWorkOrderMaterials),
    POST: op('workOrder.addMaterial', wo.addWorkOrderMaterial),
  }),
  route(MakiniPath.workOrderMaterial(K1, K2), { PUT: op('workOrder.updateMaterial', wo.updateWorkOrderMaterial) }),
  route(MakiniPath.inventories(), { GET: op('inventory.list', ref.listInventories) }),
  route(MakiniPath.inventory(K1), { GET: op('inventory.get', ref.getInventory), PUT: op('inventory.update', ref.updateInventory) }),
  route(MakiniPath.material(K1), { GET: op('material.get', ref.getMaterial) }),
  route(MakiniPath.materialInventory(K1), { PUT: op('material.updateInventory', ref.updateMaterialInventory) }),
  route(MakiniPath.vendors(), { GET: op('vendor.list', ref.listVendors) }),
  route(MakiniPath.vendor(K1), { GET: op('vendor.get', ref.getVendor) }),
  route(MakiniPath.sites(), { GET: op('site.list', ref.listSites) }),
  route(MakiniPath.site(K1), { GET: op('site.get', ref.getSite) }),
  route(MakiniPath.unitsOfMeasure(), { GET: op('unitOfMeasure.list', ref.listUnitsOfMeasure) }),
  route(MakiniPath.unitOfMeasure(K1), { GET: op('unitOfMeasure.get', ref.getUnitOfMeasure) }),
  route(MakiniPath.statuses('purchase-orders'), { GET: op('status.purchaseOrders', ref.purchaseOrderStatuses) }),
  route(MakiniPath.statuses('work-orders'), { GET: op('status.workOrders', ref.workOrderStatuses) }),
  route(MakiniPath.passthrough(), { POST: op('passthrough', passthrough) }),
];

export type RouteMatch =
  | { kind: 'found'; route: Route; operation: { name: string; handler: Handler }; params: string[] }
  | { kind: 'method-not-allowed'; route: Route; allowed: PublicMethod[] }
  | { kind: 'not-found' }
  | { kind: 'bad-path' };

/** Finds the endpoint of a path and method; path parameters are decoded. */
export function matchRoute(method: string, pathname: string): RouteMatch {
  for (const r of ROUTES) {
    const m = r.pattern.exec(pathname);
    if (!m) continue;
    let params: string[];
    try {
      params = m.slice(1).map((p) => decodeURIComponent(p));
    } catch {
      return { kind: 'bad-path' };
    }
    const operation = r.operations[method as PublicMethod];
    if (!operation) return { kind: 'method-not-allowed', route: r, allowed: Object.keys(r.operations) as PublicMethod[] };
    return { kind: 'found', route: r, operation, params };
  }
  return { kind: 'not-found' };
}

export const isWriteMethod = (method: string) => method === 'POST' || method === 'PUT';
