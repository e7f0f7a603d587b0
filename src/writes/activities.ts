// Activities: one Makini call each (two where a read-back belongs to the same question), no retry
// loops of their own. Built by `createActivities(deps)`; workflows import only the type.
import { ApplicationFailure } from '@temporalio/activity';
import type { ConnectionConfig } from '../config/connections.js';
import { MakiniFailureType } from '../failures.js';
import type { PoLineItem, PurchaseOrder } from '../makini/entities.js';
import type { WriteProfile } from '../profiles/schema.js';
import type { MakiniClient } from '../makini/client.js';
import { answer, asActivity, type ActivityResult } from '../makini/activity-result.js';
import { connectionProbeActivities } from '../connections/probe.js';
import { inventoryActivities } from './inventory/activities.js';
import { workOrderActivities } from './work-orders/activities.js';

export type { ActivityResult } from '../makini/activity-result.js';
export type { ProbeResult } from '../connections/probe.js';
export type { WoMaterialSnapshot, WoSnapshot, WoStatusOption } from './work-orders/activities.js';
export type { GuardedWrite, InventorySnapshot } from './inventory/activities.js';

export interface ActivityDeps {
  makini: MakiniClient;
  /** The connection's config entry, or undefined when the id is unknown. */
  connection(connectionId: string): ConnectionConfig | undefined;
  /** The effective write profile of a system for a connection (built-ins + its overrides). */
  profileFor(system: string, connection: ConnectionConfig): WriteProfile;
}

/** The rules a write runs under, recorded in history so replays and operators see the same. */
export interface ResolvedProfile {
  connectionId: string;
  system: string;
  profile: WriteProfile;
}

/** A PO as the workflows need it: key, status, reference and lines. */
export interface PoSnapshot {
  key: string;
  status: string;
  reference?: string;
  fields: Record<string, unknown>;
  lines: { key: string; lineNo?: number }[];
}

function snapshot(po: PurchaseOrder, referenceField: string, lines?: PoLineItem[]): PoSnapshot {
  const ref = po[referenceField];
  return {
    key: po.key,
    status: po.status ?? po.statusKey ?? 'unknown',
    reference: typeof ref === 'string' ? ref : undefined,
    fields: po,
    lines: (lines ?? po.lineItems ?? []).map((l) => ({ key: l.key, lineNo: l.lineNo == null ? undefined : Number(l.lineNo) })),
  };
}

/** Builds the activities over their dependencies (composition root: src/worker/main.ts). */
export function createActivities(deps: ActivityDeps) {
  const { makini } = deps;
  return {
    ...workOrderActivities(makini),
    ...inventoryActivities(makini),
    ...connectionProbeActivities(makini),
    /** Which system the connection is and the write profile that applies to it. */
    async resolveWriteProfile(connectionId: string): Promise<ActivityResult<ResolvedProfile>> {
      return asActivity(async () => {
        const connection = deps.connection(connectionId);
        if (!connection) {
          throw ApplicationFailure.create({
            type: MakiniFailureType.connectionConfig, nonRetryable: true,
            message: `unknown connection "${connectionId}": it is not in the connections config`,
          });
        }
        if (connection.system) {
          return { value: { connectionId, system: connection.system, profile: deps.profileFor(connection.system, connection) },
            call: { requestIds: [], processingTimeMs: 0, status: 0 } };
        }
        const res = await makini.getIntegration(connectionId);
        const system = res.data.data.provider;
        return answer({ connectionId, system, profile: deps.profileFor(system, connection) }, res);
      });
    },

    /** Whether a vendor exists in the target, by code or key. */
    async vendorExists(connectionId: string, codeOrKey: string): Promise<ActivityResult<boolean>> {
      return asActivity(async () => {
        const res = await makini.findVendorsByCode(connectionId, codeOrKey);
        const found = res.data.data.some((v) => v.code === codeOrKey || v.key === codeOrKey);
        return answer(found, res);
      });
    },

    /** Finds the PO an earlier attempt created, by the reference field holding the idempotency key. */
    async findPurchaseOrderByReference(connectionId: string, referenceField: string, reference: string): Promise<ActivityResult<PoSnapshot | null>> {
      return asActivity(async () => {
        const res = await makini.listPurchaseOrders(connectionId, { [referenceField]: reference }, 1, 5);
        const hit = res.data.data.find((po) => po[referenceField] === reference);
        if (!hit) return answer(null, res);
        const lines = await makini.listPurchaseOrderLines(connectionId, hit.key);
        return answer(snapshot(hit, referenceField, lines.data.data), res, lines);
      });
    },

    async getPurchaseOrder(connectionId: string, key: string, referenceField: string): Promise<ActivityResult<PoSnapshot>> {
      return asActivity(async () => {
        const res = await makini.getPurchaseOrder(connectionId, key);
        const lines = res.data.data.lineItems ? undefined : await makini.listPurchaseOrderLines(connectionId, key);
        return answer(snapshot(res.data.data, referenceField, lines?.data.data), ...(lines ? [res, lines] : [res]));
      });
    },

    /** POST a PO (with `lineItems` where the system takes lines with the header). */
    async createPurchaseOrder(connectionId: string, body: Record<string, unknown>, referenceField: string): Promise<ActivityResult<PoSnapshot>> {
      return asActivity(async () => {
        const res = await makini.createPurchaseOrder(connectionId, body);
        return answer(snapshot(res.data.data, referenceField), res);
      });
    },

    async addPurchaseOrderLine(connectionId: string, purchaseOrderKey: string, line: Record<string, unknown>): Promise<ActivityResult<{ key: string; lineNo?: number }>> {
      return asActivity(async () => {
        const res = await makini.addPurchaseOrderLine(connectionId, purchaseOrderKey, line);
        const l = res.data.data;
        return answer({ key: l.key, lineNo: l.lineNo == null ? undefined : Number(l.lineNo) }, res);
      });
    },

    async listPurchaseOrderLines(connectionId: string, purchaseOrderKey: string): Promise<ActivityResult<{ key: string; lineNo?: number }[]>> {
      return asActivity(async () => {
        const res = await makini.listPurchaseOrderLines(connectionId, purchaseOrderKey);
        return answer(res.data.data.map((l) => ({ key: l.key, lineNo: l.lineNo == null ? undefined : Number(l.lineNo) })), res);
      });
    },

    async updatePurchaseOrder(connectionId: string, key: string, changes: Record<string, unknown>, referenceField: string): Promise<ActivityResult<PoSnapshot>> {
      return asActivity(async () => {
        const res = await makini.updatePurchaseOrder(connectionId, key, changes);
        return answer(snapshot(res.data.data, referenceField), res);
      });
    },

    async setPurchaseOrderStatus(connectionId: string, key: string, status: string, referenceField: string): Promise<ActivityResult<PoSnapshot>> {
      return asActivity(async () => {
        const res = await makini.setPurchaseOrderStatus(connectionId, key, status);
        return answer(snapshot(res.data.data, referenceField), res);
      });
    },
  };
}

/** The activities' type, for `proxyActivities<MakiniActivities>()` in workflows. */
export type MakiniActivities = ReturnType<typeof createActivities>;
