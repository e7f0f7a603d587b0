// Purchase-order activities: one Makini call each (two where a read-back belongs to the same
// question: a PO and its lines), no retries of their own.
import type { PoLineItem, PurchaseOrder } from '../../makini/entities.js';
import type { MakiniClient } from '../../makini/client.js';
import { answer, asActivity, type ActivityResult } from '../../makini/activity-result.js';

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

/** The purchase-order activities over a Makini client. */
export function purchaseOrderActivities(makini: MakiniClient) {
  return {
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
