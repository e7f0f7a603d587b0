// The ONE table of write types. Each entry says what a write is (entity, operation), how its
// workflow id is built, which schema its input has, how it is summarised in the UI, which of its
// Makini activities write (and so are paced per connection), and whether a key may run twice.
// Workflow ids, bulk planning, re-runs and the paced list derive from it. Adding a write type takes:
// one entry here; one folder under src/writes/ (contract, workflows, activities and their
// activity-contract.ts, start helper); and one line in each entry point: its workflow exported from
// src/workflows/index.ts, its activities spread in src/activities/index.ts (their contract in
// StepActivities of engine/makini-calls.ts, their inputs in src/activities/positional.ts), its folder's contract and start re-exported from
// src/client/index.ts, its contract listed in src/workflows/shared-modules.ts (a new folder: its
// workflows module named in WriteWorkflow, src/writes/start-write.ts, or tsc refuses its start helper).
// test/unit/catalog.test.ts names whatever an entry lacks.
import type { z } from 'zod';
import type { StepActivity } from './engine/makini-calls.js';
import { adjustInventoryInputSchema, updateInventoryInputSchema } from '../inventory/workflow/contract.js';
import {
  cancelPurchaseOrderInputSchema,
  createPurchaseOrderInputSchema,
  updatePurchaseOrderInputSchema,
} from '../purchase-orders/workflow/contract.js';
import {
  addWorkOrderMaterialsInputSchema,
  changeWorkOrderStatusInputSchema,
  createWorkOrderInputSchema,
  updateWorkOrderInputSchema,
} from '../work-orders/workflow/contract.js';

/** The business entity a write changes (the first segment of its workflow id and a search attribute). */
export type WriteEntity = 'purchase-order' | 'work-order' | 'inventory';

/** One write type as the catalog describes it. */
export interface WriteTypeEntry<S extends z.ZodType = z.ZodType> {
  entity: WriteEntity;
  operation: string;
  /** The input schema: clients validate with it before starting, workflows again when they run. */
  schema: S;
  /** The execution's static summary in the UI: ids and counts only (nothing confidential). */
  summary: (input: z.infer<S>) => string;
  /** Its Makini activities that write to the target system: paced per connection. */
  pacedActivities: readonly StepActivity[];
  /** A failed run may have applied the write: the same key never runs again (`adjustInventory`). */
  sameKeyRunsOnce?: boolean;
}

const entry = <S extends z.ZodType>(e: WriteTypeEntry<S>): WriteTypeEntry<S> => e;

const inventoryName = (i: { inventoryKey?: string; materialKey?: string }) =>
  i.inventoryKey !== undefined ? `inventory ${i.inventoryKey}` : `inventory of material ${i.materialKey}`;

/** Write workflow types by name (the names are the public API). */
export const WRITE_TYPES = {
  createPurchaseOrder: entry({
    entity: 'purchase-order',
    operation: 'create',
    schema: createPurchaseOrderInputSchema,
    summary: (i) => `Create purchase order (${i.purchaseOrder.lineItems.length} lines) on ${i.connectionId}, key ${i.idempotencyKey}`,
    // Lines one by one where the header cannot carry them; cancelling the header undoes a failed create.
    pacedActivities: ['createPurchaseOrder', 'createPurchaseOrderPassthrough', 'addPurchaseOrderLine', 'setPurchaseOrderStatus'],
  }),
  updatePurchaseOrder: entry({
    entity: 'purchase-order',
    operation: 'update',
    schema: updatePurchaseOrderInputSchema,
    summary: (i) => `Update purchase order ${i.purchaseOrderKey} (${Object.keys(i.changes).join(', ')}) on ${i.connectionId}`,
    pacedActivities: ['updatePurchaseOrder'],
  }),
  cancelPurchaseOrder: entry({
    entity: 'purchase-order',
    operation: 'cancel',
    schema: cancelPurchaseOrderInputSchema,
    summary: (i) => `Cancel purchase order ${i.purchaseOrderKey} on ${i.connectionId}`,
    pacedActivities: ['setPurchaseOrderStatus'],
  }),
  createWorkOrder: entry({
    entity: 'work-order',
    operation: 'create',
    schema: createWorkOrderInputSchema,
    summary: (i) => `Create work order on ${i.connectionId}, key ${i.idempotencyKey}`,
    pacedActivities: ['createWorkOrder'],
  }),
  updateWorkOrder: entry({
    entity: 'work-order',
    operation: 'update',
    schema: updateWorkOrderInputSchema,
    summary: (i) => `Update work order ${i.workOrderKey} (${Object.keys(i.changes).join(', ')}) on ${i.connectionId}`,
    pacedActivities: ['updateWorkOrder'],
  }),
  changeWorkOrderStatus: entry({
    entity: 'work-order',
    operation: 'changeStatus',
    schema: changeWorkOrderStatusInputSchema,
    summary: (i) => `Change status of work order ${i.workOrderKey} to ${i.status} on ${i.connectionId}`,
    pacedActivities: ['setWorkOrderStatus'],
  }),
  addWorkOrderMaterials: entry({
    entity: 'work-order',
    operation: 'addMaterials',
    schema: addWorkOrderMaterialsInputSchema,
    summary: (i) => `Add ${i.materials.length} material(s) to work order ${i.workOrderKey} on ${i.connectionId}`,
    pacedActivities: ['addWorkOrderMaterial'],
  }),
  updateInventory: entry({
    entity: 'inventory',
    operation: 'update',
    schema: updateInventoryInputSchema,
    summary: (i) => `Update ${inventoryName(i)} (${Object.keys(i.changes).join(', ')}) on ${i.connectionId}`,
    pacedActivities: ['writeInventory'],
  }),
  adjustInventory: entry({
    entity: 'inventory',
    operation: 'adjust',
    schema: adjustInventoryInputSchema,
    summary: (i) => `Adjust ${inventoryName(i)} by ${i.delta > 0 ? '+' : ''}${i.delta} on ${i.connectionId}, key ${i.idempotencyKey}`,
    pacedActivities: ['compareAndSetInventory'],
    // A failed adjustment may have applied its delta: the same key must never run it again (use a new key after checking).
    sameKeyRunsOnce: true,
  }),
} as const;

export type WriteType = keyof typeof WRITE_TYPES;

export const WRITE_TYPE_NAMES = Object.keys(WRITE_TYPES) as [WriteType, ...WriteType[]];

/** The input a write type takes (what its schema accepts). */
export type WriteInput<T extends WriteType> = z.input<(typeof WRITE_TYPES)[T]['schema']>;

/** Whether a name is a write workflow type. */
export function isWriteType(name: string): name is WriteType {
  return Object.prototype.hasOwnProperty.call(WRITE_TYPES, name);
}

/**
 * The workflow id of a write: `<entity>/<operation>/<connectionId>/<idempotencyKey>`. Starting the
 * same write twice reaches the same execution; the ids are part of the public API.
 * @example writeWorkflowId('createPurchaseOrder', 'acme-sap', 'order-4711') // 'purchase-order/create/acme-sap/order-4711'
 */
export function writeWorkflowId(type: WriteType, connectionId: string, idempotencyKey: string): string {
  const { entity, operation } = WRITE_TYPES[type];
  return `${entity}/${operation}/${connectionId}/${idempotencyKey}`;
}

/** Activities that write to the target system: the calls a connection's write budget counts. */
export const PACED_ACTIVITIES: ReadonlySet<string> = new Set(Object.values(WRITE_TYPES).flatMap((e) => e.pacedActivities));
