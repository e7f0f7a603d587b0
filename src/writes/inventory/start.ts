// Start helpers of the inventory writes (typed; validated and idempotent by src/writes/start-write.ts).
import type { Client } from '@temporalio/client';
import { startWrite, type StartOptions } from '../start-write.js';
import type { AdjustInventoryInput, UpdateInventoryInput } from './workflow/contract.js';

/** Starts `updateInventory` (absolute values). */
export const startUpdateInventory = (client: Client, input: UpdateInventoryInput, opts?: StartOptions) =>
  startWrite(client, 'updateInventory', input, opts);

/**
 * Starts `adjustInventory`: `delta` applied exactly once per idempotency key. The same key never
 * runs twice, even after a failure (a failed run may have applied it): check, then use a new key.
 * @example
 * await startAdjustInventory(client, { connectionId: 'acme-sap', idempotencyKey: 'issue-7781', inventoryKey: 'inv-1', delta: -4 });
 */
export const startAdjustInventory = (client: Client, input: AdjustInventoryInput, opts?: StartOptions) =>
  startWrite(client, 'adjustInventory', input, opts);
