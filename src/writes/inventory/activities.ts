// Inventory activities: read, absolute write, and the guarded (compare-and-set) write that makes
// adjustments exactly-once (docs/inventory-exactly-once.md). No retries of their own.
import { MakiniFailureType } from '../../failures/workflow/failure-types.js';
import { unchangedSince } from './workflow/adjustment.js';
import type { InventoryTarget } from './workflow/contract.js';
import { numericValue, type Inventory } from '../../makini/workflow/entities.js';
import type { MakiniClient } from '../../makini/client.js';
import { makiniErrorFrom } from '../../makini/errors.js';
import type { MakiniResult } from '../../makini/http.js';
import { answer, asActivity } from '../../makini/activity-result.js';
import type { InventoryActivities, InventorySnapshot } from './activity-contract.js';

/** `quantity` as a number (the schema admits numeric strings only); `fields` as the system sent them (`"50.000"`). */
const snapshot = (inv: Inventory): InventorySnapshot => ({
  key: inv.key,
  quantity: numericValue(inv.quantity)!,
  updatedAt: inv.updatedAt ?? undefined,
  fields: inv,
});

/** The inventory activities over the shared Makini client. */
export function inventoryActivities(makini: MakiniClient): InventoryActivities {
  /** Reads the record by its key, or as the single inventory of a material. */
  async function read(connectionId: string, target: InventoryTarget): Promise<{ inv: InventorySnapshot; res: MakiniResult<unknown> }> {
    if (target.inventoryKey !== undefined) {
      const res = await makini.getInventory(connectionId, target.inventoryKey);
      return { inv: snapshot(res.data.data), res };
    }
    const res = await makini.getMaterial(connectionId, target.materialKey);
    const inventories = res.data.data.inventories ?? [];
    if (inventories.length !== 1) {
      // PUT /materials/{key}/inventory would not say which record it changes.
      throw makiniErrorFrom({
        type: MakiniFailureType.rejected,
        retryable: false,
        ambiguous: false,
        requestId: res.meta.requestId,
        message:
          `material ${target.materialKey} has ${inventories.length} inventory records (${inventories.map((i) => i.key).join(', ') || 'none'}): ` +
          'address the one to change by inventoryKey',
      });
    }
    return { inv: snapshot(inventories[0]!), res };
  }

  async function write(connectionId: string, target: InventoryTarget, changes: Record<string, unknown>) {
    return target.inventoryKey !== undefined
      ? makini.updateInventory(connectionId, target.inventoryKey, changes)
      : makini.updateMaterialInventory(connectionId, target.materialKey, changes);
  }

  return {
    async readInventory({ connectionId, target }) {
      return asActivity(async () => {
        const { inv, res } = await read(connectionId, target);
        return answer(inv, res);
      });
    },

    /** PUT absolute values (idempotent: the same PUT twice leaves the same state). */
    async writeInventory({ connectionId, target, changes }) {
      return asActivity(async () => {
        const res = await write(connectionId, target, changes);
        return answer(snapshot(res.data.data), res);
      });
    },

    /**
     * Compare-and-set: reads the record and PUTs `changes` only if it still matches `expected`
     * (quantity and updatedAt); otherwise writes nothing and returns what it found. Makini has no
     * If-Match, so the window left is the few milliseconds between this GET and this PUT.
     */
    async compareAndSetInventory({ connectionId, target, expected, changes }) {
      return asActivity(async () => {
        const { inv, res } = await read(connectionId, target);
        if (!unchangedSince(inv, expected)) return answer({ written: false, inventory: inv }, res);
        const put = await write(connectionId, target, changes);
        return answer({ written: true, inventory: snapshot(put.data.data) }, res, put);
      });
    },
  };
}
