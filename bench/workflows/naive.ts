// The alternative to the step runner: the PO create as one activity with a plain Temporal retry
// policy. Exponential backoff, blind to Retry-After (what "just use Temporal retries" gives).
import { proxyActivities } from '@temporalio/workflow';
import type { MakiniActivities } from '../../src/activities/index.js';

/** The retry policy of the naive writer (reported next to its figures). */
export const NAIVE_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

const { createPurchaseOrder } = proxyActivities<MakiniActivities>({ startToCloseTimeout: '30 seconds', retry: NAIVE_RETRY });

/** POSTs the PO (lines in the body), retrying every retryable failure; returns its key. */
export async function naiveCreatePurchaseOrder(
  connectionId: string,
  body: Record<string, unknown>,
  referenceField: string,
): Promise<string> {
  const created = await createPurchaseOrder({ connectionId, body, referenceField });
  return created.value.key;
}
