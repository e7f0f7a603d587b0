// The ceiling of the throughput benchmark: a PO create reduced to its Makini activities, called
// as the product dispatches them (reads and the profile lookup local, the POST an activity), with
// nothing of the product around them: no input validation, rule check, step runner, search
// attributes, connection gate or second task queue. What is left between the two is the product.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { MakiniActivities } from '../../src/activities/index.js';

const CALL = { startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 1 } } as const;
const reads = proxyLocalActivities<MakiniActivities>(CALL);
const writes = proxyActivities<MakiniActivities>(CALL);

/** The five calls of an SAP-like PO create (lines with the header); returns the PO's key. */
export async function barePurchaseOrderCreate(
  connectionId: string,
  idempotencyKey: string,
  header: Record<string, unknown> & { vendorKey: string },
  lineItems: Record<string, unknown>[],
): Promise<string> {
  const { value: resolved } = await reads.resolveWriteProfile({ connectionId });
  const ref = resolved.profile.purchaseOrder.referenceField;
  await reads.vendorExists({ connectionId, value: header.vendorKey, by: 'key' });
  await reads.findPurchaseOrderByReference({ connectionId, referenceField: ref, reference: idempotencyKey });
  const { value: po } = await writes.createPurchaseOrder({
    connectionId,
    body: { ...header, [ref]: idempotencyKey, lineItems },
    referenceField: ref,
  });
  await reads.getPurchaseOrder({ connectionId, key: po.key, referenceField: ref });
  return po.key;
}
