// Start helpers of the purchase-order writes (typed; validated and idempotent by src/writes/start-write.ts).
import type { Client } from '@temporalio/client';
import { startWrite, type StartOptions } from '../start-write.js';
import type { CancelPurchaseOrderInput, CreatePurchaseOrderInput, UpdatePurchaseOrderInput } from './workflow/contract.js';

/**
 * Starts `createPurchaseOrder`; await `handle.result()` for `{ purchaseOrderKey, lineItemKeys, status, steps }`.
 * @example
 * const handle = await startCreatePurchaseOrder(client, { connectionId: 'acme-sap', idempotencyKey: 'order-42',
 *   purchaseOrder: { vendorKey: 'V-100', siteKey: 'S1', currencyKey: 'EUR', lineItems: [{ quantity: 2, price: 9.5 }] } });
 * const { purchaseOrderKey } = await handle.result();
 */
export const startCreatePurchaseOrder = (client: Client, input: CreatePurchaseOrderInput, opts?: StartOptions) =>
  startWrite(client, 'createPurchaseOrder', input, opts);

/** Starts `updatePurchaseOrder`. */
export const startUpdatePurchaseOrder = (client: Client, input: UpdatePurchaseOrderInput, opts?: StartOptions) =>
  startWrite(client, 'updatePurchaseOrder', input, opts);

/** Starts `cancelPurchaseOrder`. */
export const startCancelPurchaseOrder = (client: Client, input: CancelPurchaseOrderInput, opts?: StartOptions) =>
  startWrite(client, 'cancelPurchaseOrder', input, opts);
