// Work-order activities: one Makini call each (lookups read every page), no retries of their own.
import { numericValue, type WorkOrder, type WorkOrderMaterial } from '../../makini/workflow/entities.js';
import { normaliseStatus } from '../../profiles/workflow/status-names.js';
import type { ReferenceCarrier } from './workflow/contract.js';
import { carriesReference } from './workflow/reference.js';
import type { MakiniClient } from '../../makini/client.js';
import { answer, asActivity } from '../../makini/activity-result.js';
import type { WoMaterialSnapshot, WoSnapshot, WorkOrderActivities } from './activity-contract.js';

function woSnapshot(wo: WorkOrder): WoSnapshot {
  return { key: wo.key, status: normaliseStatus(wo.status ?? wo.statusKey ?? 'unknown'), statusKey: wo.statusKey ?? undefined, fields: wo };
}

function materialSnapshot(m: WorkOrderMaterial): WoMaterialSnapshot {
  return {
    key: m.key,
    materialKey: m.materialKey,
    requiredQuantity: numericValue(m.requiredQuantity) ?? numericValue(m.quantity),
    usedQuantity: numericValue(m.usedQuantity),
    storeroomKey: m.storeroomKey ?? undefined,
  };
}

/** The work-order activities over the shared Makini client. */
export function workOrderActivities(makini: MakiniClient): WorkOrderActivities {
  /** Every work order carrying the idempotency key, by the carrier's filter, compared exactly. */
  const carrying = async (connectionId: string, carrier: ReferenceCarrier, idempotencyKey: string) => {
    if (carrier.mode === 'none') throw new Error('this system carries no reference (the workflow must not look up)');
    const res =
      carrier.mode === 'field'
        ? await makini.findWorkOrders(connectionId, [{ field: carrier.field, value: idempotencyKey }])
        : await makini.findWorkOrders(connectionId, [{ field: carrier.field, op: 'contains', value: carrier.marker }]);
    return { res, hits: res.data.data.filter((wo) => carriesReference(wo, carrier, idempotencyKey)) };
  };
  return {
    /** The work order an earlier attempt created with this idempotency key, if any. */
    async findWorkOrderByReference({ connectionId, carrier, idempotencyKey }) {
      return asActivity(async () => {
        const { res, hits } = await carrying(connectionId, carrier, idempotencyKey);
        const hit = hits[0];
        return answer(hit ? woSnapshot(hit) : null, res);
      });
    },

    /** Every work order carrying the idempotency key (the late-duplicate sweep). */
    async listWorkOrdersByReference({ connectionId, carrier, idempotencyKey }) {
      return asActivity(async () => {
        const { res, hits } = await carrying(connectionId, carrier, idempotencyKey);
        return answer(
          hits.map((wo) => ({ key: wo.key, status: woSnapshot(wo).status })),
          res,
        );
      });
    },

    async getWorkOrder({ connectionId, key }) {
      return asActivity(async () => {
        const res = await makini.getWorkOrder(connectionId, key);
        return answer(woSnapshot(res.data.data), res);
      });
    },

    async createWorkOrder({ connectionId, body }) {
      return asActivity(async () => {
        const res = await makini.createWorkOrder(connectionId, body);
        return answer(woSnapshot(res.data.data), res);
      });
    },

    async updateWorkOrder({ connectionId, key, changes }) {
      return asActivity(async () => {
        const res = await makini.updateWorkOrder(connectionId, key, changes);
        return answer(woSnapshot(res.data.data), res);
      });
    },

    /** The statuses work orders of this connection can have, with their keys. */
    async listWorkOrderStatuses({ connectionId }) {
      return asActivity(async () => {
        const res = await makini.listStatuses(connectionId, 'work-orders');
        return answer(
          res.data.data.map((s) => ({
            key: s.key,
            status: normaliseStatus(s.code ?? s.name ?? s.key),
            code: s.code ?? undefined,
            name: s.name ?? undefined,
          })),
          res,
        );
      });
    },

    async setWorkOrderStatus({ connectionId, key, statusKey }) {
      return asActivity(async () => {
        const res = await makini.setWorkOrderStatus(connectionId, key, statusKey);
        return answer(woSnapshot(res.data.data), res);
      });
    },

    async listWorkOrderMaterials({ connectionId, key }) {
      return asActivity(async () => {
        const res = await makini.listWorkOrderMaterials(connectionId, key);
        return answer(res.data.data.map(materialSnapshot), res);
      });
    },

    async addWorkOrderMaterial({ connectionId, key, material }) {
      return asActivity(async () => {
        const res = await makini.addWorkOrderMaterial(connectionId, key, material);
        return answer(materialSnapshot(res.data.data), res);
      });
    },
  };
}
