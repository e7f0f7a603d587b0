// Purchase-order activities: one Makini call each (two where a read-back belongs to the same
// question: a PO and its lines), no retries of their own.
import type { PoLineItem, PurchaseOrder } from '../../makini/workflow/entities.js';
import type { MakiniClient, PassthroughRequest } from '../../makini/client.js';
import { answer, asActivity, callRecord } from '../../makini/activity-result.js';
import { normaliseStatus } from '../../profiles/workflow/status-names.js';
import type { PoSnapshot, PurchaseOrderActivities } from './activity-contract.js';
import { dialectNamed } from '../../makini/passthrough/index.js';
import type { NativePo, PassthroughDialect } from '../../makini/passthrough/dialect.js';
import { innerFailure, unreadableAnswer } from '../../makini/passthrough/judge.js';
import type { CallMeta } from '../../makini/http.js';

function snapshot(po: PurchaseOrder, referenceField: string, lines?: PoLineItem[]): PoSnapshot {
  const ref = po[referenceField];
  return {
    key: po.key,
    status: normaliseStatus(po.status ?? po.statusKey ?? 'unknown'),
    statusKey: po.statusKey ?? undefined,
    reference: typeof ref === 'string' ? ref : undefined,
    fields: po,
    lines: (lines ?? po.lineItems ?? []).map((l) => ({ key: l.key, lineNo: l.lineNo == null ? undefined : Number(l.lineNo) })),
  };
}

function nativeSnapshot(po: NativePo): PoSnapshot {
  return { key: po.key, status: normaliseStatus(po.status), reference: po.reference, fields: po.fields, lines: po.lines };
}

/** Every PO carrying `reference` in the native system (one passthrough call), or a classified failure. */
async function lookUpNative(makini: MakiniClient, connectionId: string, dialect: PassthroughDialect, reference: string) {
  const req = dialect.lookupByReference(reference);
  const res = await makini.passthrough(connectionId, req);
  const inner = res.data.data;
  // A 404 may be the system's "none has it": the dialect says whether it can read it.
  const found = inner.status === 404 || (inner.status >= 200 && inner.status < 300) ? dialect.parseLookup(inner, reference) : undefined;
  if (found) return { found, meta: res.meta };
  throw (
    innerFailure(dialect, req, inner, res.meta) ?? unreadableAnswer(dialect, req, inner.status, res.meta, 'is not a lookup it can read')
  );
}

/** The purchase-order activities over a Makini client. */
export function purchaseOrderActivities(makini: MakiniClient): PurchaseOrderActivities {
  return {
    /**
     * Whether a vendor exists in the target: a `*Key` field by the vendor's own endpoint (a key is
     * Makini's opaque id, never a code), a code field by `filter[code]` compared exactly.
     */
    async vendorExists({ connectionId, value, by = 'key' }) {
      return asActivity(async () => {
        if (by === 'key') {
          const res = await makini.getVendor(connectionId, value);
          return { value: res.data?.data.key === value, call: callRecord(res.meta) };
        }
        const res = await makini.findVendorsByCode(connectionId, value);
        return answer(
          res.data.data.some((v) => v.code === value),
          res,
        );
      });
    },

    /** Finds the PO an earlier attempt created, by the reference field holding the idempotency key. */
    async findPurchaseOrderByReference({ connectionId, referenceField, reference }) {
      return asActivity(async () => {
        // Every page, compared exactly: a system's filter may match loosely ("po-1" finding "po-10").
        const res = await makini.findPurchaseOrders(connectionId, { [referenceField]: reference });
        const hit = res.data.data.find((po) => po[referenceField] === reference);
        if (!hit) return answer(null, res);
        const lines = await makini.listPurchaseOrderLines(connectionId, hit.key);
        return answer(snapshot(hit, referenceField, lines.data.data), res, lines);
      });
    },

    /** Every PO whose reference field holds `reference`, compared exactly (the late-duplicate sweep). */
    async listPurchaseOrdersByReference({ connectionId, referenceField, reference }) {
      return asActivity(async () => {
        const res = await makini.findPurchaseOrders(connectionId, { [referenceField]: reference });
        const hits = res.data.data.filter((po) => po[referenceField] === reference);
        return answer(
          hits.map((po) => ({ key: po.key, status: snapshot(po, referenceField).status })),
          res,
        );
      });
    },

    async getPurchaseOrder({ connectionId, key, referenceField }) {
      return asActivity(async () => {
        const res = await makini.getPurchaseOrder(connectionId, key);
        const lines = res.data.data.lineItems ? undefined : await makini.listPurchaseOrderLines(connectionId, key);
        return answer(snapshot(res.data.data, referenceField, lines?.data.data), ...(lines ? [res, lines] : [res]));
      });
    },

    /** POST a PO (with `lineItems` where the system takes lines with the header). */
    async createPurchaseOrder({ connectionId, body, referenceField }) {
      return asActivity(async () => {
        const res = await makini.createPurchaseOrder(connectionId, body);
        return answer(snapshot(res.data.data, referenceField), res);
      });
    },

    async addPurchaseOrderLine({ connectionId, purchaseOrderKey, line }) {
      return asActivity(async () => {
        const res = await makini.addPurchaseOrderLine(connectionId, purchaseOrderKey, line);
        const l = res.data.data;
        return answer({ key: l.key, lineNo: l.lineNo == null ? undefined : Number(l.lineNo) }, res);
      });
    },

    async listPurchaseOrderLines({ connectionId, purchaseOrderKey }) {
      return asActivity(async () => {
        const res = await makini.listPurchaseOrderLines(connectionId, purchaseOrderKey);
        return answer(
          res.data.data.map((l) => ({ key: l.key, lineNo: l.lineNo == null ? undefined : Number(l.lineNo) })),
          res,
        );
      });
    },

    async updatePurchaseOrder({ connectionId, key, changes, referenceField }) {
      return asActivity(async () => {
        const res = await makini.updatePurchaseOrder(connectionId, key, changes);
        return answer(snapshot(res.data.data, referenceField), res);
      });
    },

    /**
     * A PO with all its lines in ONE request to the system's own API through Makini's passthrough,
     * in the profile's dialect (src/makini/passthrough/); the system's answer is judged by the
     * outcome model (judge.ts). Where the answer carries no record (NetSuite's 204), it is read back
     * by its reference in the same activity: a 2xx without a record to show may have landed.
     */
    async createPurchaseOrderPassthrough({ connectionId, dialect: dialectName, purchaseOrder: input }) {
      return asActivity(async () => {
        const dialect = dialectNamed(dialectName);
        const metas: CallMeta[] = [];
        let prepared;
        if (dialect.prepareCreate) {
          const prep: PassthroughRequest = dialect.prepareCreate();
          const res = await makini.passthrough(connectionId, prep);
          metas.push(res.meta);
          const failed = innerFailure(dialect, prep, res.data.data, res.meta);
          if (failed) throw failed;
          prepared = res.data.data;
        }
        const req = dialect.createPurchaseOrder(input, prepared);
        const res = await makini.passthrough(connectionId, req);
        metas.push(res.meta);
        const inner = dialect.effectiveAnswer ? dialect.effectiveAnswer(res.data.data) : res.data.data;
        const failed = innerFailure(dialect, req, inner, res.meta);
        if (failed) throw failed;
        const created = dialect.parseCreated(inner);
        if (created) return { value: nativeSnapshot(created), call: callRecord(...metas) };
        const { found, meta } = await lookUpNative(makini, connectionId, dialect, input.reference);
        metas.push(meta);
        const po = found[0];
        if (!po) throw unreadableAnswer(dialect, req, inner.status, res.meta, 'names no record, and none carries the reference');
        return { value: nativeSnapshot(po), call: callRecord(...metas) };
      });
    },

    /** The PO carrying `reference` in the native system (its lines included), or null. */
    async findPurchaseOrderPassthrough({ connectionId, dialect: dialectName, reference }) {
      return asActivity(async () => {
        const { found, meta } = await lookUpNative(makini, connectionId, dialectNamed(dialectName), reference);
        const po = found[0];
        return { value: po ? nativeSnapshot(po) : null, call: callRecord(meta) };
      });
    },

    /** Every PO carrying `reference` in the native system (the late-duplicate sweep of a dialect that does not deduplicate). */
    async listPurchaseOrdersPassthrough({ connectionId, dialect: dialectName, reference }) {
      return asActivity(async () => {
        const { found, meta } = await lookUpNative(makini, connectionId, dialectNamed(dialectName), reference);
        return { value: found.map((po) => ({ key: po.key, status: normaliseStatus(po.status) })), call: callRecord(meta) };
      });
    },

    /** The statuses purchase orders of this connection can have: key, code and name of each. */
    async listPurchaseOrderStatuses({ connectionId }) {
      return asActivity(async () => {
        const res = await makini.listStatuses(connectionId, 'purchase-orders');
        return answer(
          res.data.data.map((s) => ({ key: s.key, code: s.code ?? undefined, name: s.name ?? undefined })),
          res,
        );
      });
    },

    async setPurchaseOrderStatus({ connectionId, key, status, referenceField }) {
      return asActivity(async () => {
        const res = await makini.setPurchaseOrderStatus(connectionId, key, status);
        return answer(snapshot(res.data.data, referenceField), res);
      });
    },
  };
}
