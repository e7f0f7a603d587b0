// The work-order activities as workflows call them: one input object each, named fields
// (`connectionId` first-class). The implementations (./activities.ts) are checked against this;
// workflow code imports only its types.
import { z } from 'zod';
import type { ActivityResult } from '../../makini/activity-result.js';
import { connectionIdSchema, fieldsSchema } from '../../makini/activity-input.js';
import { referenceCarrierSchema } from './workflow/contract.js';

/** A work order as the workflows need it: key, normalised status and every field read. */
export interface WoSnapshot {
  key: string;
  /** Normalised status name (`in-progress`), the name state rules use. */
  status: string;
  statusKey?: string;
  fields: Record<string, unknown>;
}

/** A material planned on a work order. */
export interface WoMaterialSnapshot {
  key?: string;
  materialKey: string;
  requiredQuantity?: number;
  usedQuantity?: number;
  storeroomKey?: string;
}

/** A status of the connection's work orders (GET /statuses/work-orders). */
export interface WoStatusOption {
  key: string;
  /** Normalised `code` (else `name`): what runs recorded before the one status comparison compared. */
  status: string;
  code?: string;
  name?: string;
}

const key = z.string().min(1);

/**
 * The input of each work-order activity. Field order is the order of the positional arguments
 * they took before (src/activities/positional.ts maps those tasks onto these).
 */
export const workOrderActivityInputs = {
  findWorkOrderByReference: z.object({
    connectionId: connectionIdSchema,
    carrier: referenceCarrierSchema,
    idempotencyKey: z.string().min(1),
  }),
  listWorkOrdersByReference: z.object({
    connectionId: connectionIdSchema,
    carrier: referenceCarrierSchema,
    idempotencyKey: z.string().min(1),
  }),
  getWorkOrder: z.object({ connectionId: connectionIdSchema, key }),
  createWorkOrder: z.object({ connectionId: connectionIdSchema, body: fieldsSchema }),
  updateWorkOrder: z.object({ connectionId: connectionIdSchema, key, changes: fieldsSchema }),
  listWorkOrderStatuses: z.object({ connectionId: connectionIdSchema }),
  setWorkOrderStatus: z.object({ connectionId: connectionIdSchema, key, statusKey: z.string().min(1) }),
  listWorkOrderMaterials: z.object({ connectionId: connectionIdSchema, key }),
  addWorkOrderMaterial: z.object({ connectionId: connectionIdSchema, key, material: fieldsSchema }),
};

type In<K extends keyof typeof workOrderActivityInputs> = z.input<(typeof workOrderActivityInputs)[K]>;

/** The work-order activities: one Makini call each (lookups read every page). */
export interface WorkOrderActivities {
  findWorkOrderByReference(input: In<'findWorkOrderByReference'>): Promise<ActivityResult<WoSnapshot | null>>;
  listWorkOrdersByReference(input: In<'listWorkOrdersByReference'>): Promise<ActivityResult<{ key: string; status: string }[]>>;
  getWorkOrder(input: In<'getWorkOrder'>): Promise<ActivityResult<WoSnapshot>>;
  createWorkOrder(input: In<'createWorkOrder'>): Promise<ActivityResult<WoSnapshot>>;
  updateWorkOrder(input: In<'updateWorkOrder'>): Promise<ActivityResult<WoSnapshot>>;
  listWorkOrderStatuses(input: In<'listWorkOrderStatuses'>): Promise<ActivityResult<WoStatusOption[]>>;
  setWorkOrderStatus(input: In<'setWorkOrderStatus'>): Promise<ActivityResult<WoSnapshot>>;
  listWorkOrderMaterials(input: In<'listWorkOrderMaterials'>): Promise<ActivityResult<WoMaterialSnapshot[]>>;
  addWorkOrderMaterial(input: In<'addWorkOrderMaterial'>): Promise<ActivityResult<WoMaterialSnapshot>>;
}
