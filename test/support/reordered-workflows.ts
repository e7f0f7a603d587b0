// A deliberately nondeterministic "refactor" of the production workflows, for the replay tests:
// createPurchaseOrder now looks the PO up BEFORE resolving the write profile, which swaps the
// order of its first two activities. Recorded histories must refuse to replay against it.
import { proxyActivities } from '@temporalio/workflow';
import type { MakiniActivities } from '../../src/activities/index.js';
import type { CreatePurchaseOrderInput } from '../../src/writes/purchase-orders/workflow/contract.js';
import { createPurchaseOrder as productionCreatePurchaseOrder } from '../../src/writes/purchase-orders/workflow/workflows.js';

export * from '../../src/workflows/index.js';

const { findPurchaseOrderByReference } = proxyActivities<MakiniActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

export async function createPurchaseOrder(input: CreatePurchaseOrderInput) {
  await findPurchaseOrderByReference({ connectionId: input.connectionId, referenceField: 'orderNo', reference: input.idempotencyKey });
  return productionCreatePurchaseOrder(input);
}
