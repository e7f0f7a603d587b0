// The inventory activities as workflows call them: one input object each, named fields
// (`connectionId` first-class). The implementations (./activities.ts) are checked against this;
// workflow code imports only its types.
import { z } from 'zod';
import type { ActivityResult } from '../../makini/activity-result.js';
import { connectionIdSchema, fieldsSchema } from '../../makini/activity-input.js';

/** An inventory record as the workflows need it. */
export interface InventorySnapshot {
  key: string;
  quantity: number;
  /** Moves on every write (the guard compares it); absent when the system does not report it. */
  updatedAt?: string;
  fields: Record<string, unknown>;
}

/** What a guarded write found and did. */
export interface GuardedWrite {
  /** True when the record matched `expected` and the write was sent and answered. */
  written: boolean;
  /** The record after the write, or as found when it no longer matched. */
  inventory: InventorySnapshot;
}

/** Which inventory record: exactly one of `inventoryKey` and `materialKey` (contract.ts `InventoryTarget`). */
const targetSchema = z.union([
  z.object({ inventoryKey: z.string().min(1), materialKey: z.undefined().optional() }),
  z.object({ materialKey: z.string().min(1), inventoryKey: z.undefined().optional() }),
]);

/**
 * The input of each inventory activity. Field order is the order of the positional arguments
 * they took before (src/activities/positional.ts maps those tasks onto these).
 */
export const inventoryActivityInputs = {
  readInventory: z.object({ connectionId: connectionIdSchema, target: targetSchema }),
  writeInventory: z.object({ connectionId: connectionIdSchema, target: targetSchema, changes: fieldsSchema }),
  compareAndSetInventory: z.object({
    connectionId: connectionIdSchema,
    target: targetSchema,
    expected: z.object({ quantity: z.number(), updatedAt: z.string().optional() }),
    changes: fieldsSchema,
  }),
};

type In<K extends keyof typeof inventoryActivityInputs> = z.input<(typeof inventoryActivityInputs)[K]>;

/** The inventory activities: read, absolute write, and the guarded (compare-and-set) write. */
export interface InventoryActivities {
  readInventory(input: In<'readInventory'>): Promise<ActivityResult<InventorySnapshot>>;
  /** PUT absolute values (idempotent: the same PUT twice leaves the same state). */
  writeInventory(input: In<'writeInventory'>): Promise<ActivityResult<InventorySnapshot>>;
  /** Reads the record and PUTs `changes` only if it still matches `expected`. */
  compareAndSetInventory(input: In<'compareAndSetInventory'>): Promise<ActivityResult<GuardedWrite>>;
}
