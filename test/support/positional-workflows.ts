// Workflows that schedule Makini activities the way the code before one input object did: with
// positional arguments (`createPurchaseOrder(connectionId, body, referenceField)`). A task such a
// workflow scheduled before a deploy reaches the new worker in exactly this shape.
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { ResolvedProfile } from '../../src/profiles/activity-contract.js';
import type { PoSnapshot } from '../../src/writes/purchase-orders/activity-contract.js';

/** The signatures of before, as recorded histories hold their arguments. */
interface PositionalActivities {
  resolveWriteProfile(connectionId: string): Promise<{ value: ResolvedProfile }>;
  vendorExists(connectionId: string, value: string): Promise<{ value: boolean }>;
  findPurchaseOrderByReference(connectionId: string, referenceField: string, reference: string): Promise<{ value: PoSnapshot | null }>;
  createPurchaseOrder(connectionId: string, body: Record<string, unknown>, referenceField: string): Promise<{ value: PoSnapshot }>;
}

export * from '../../src/workflows/index.js';

const old = proxyActivities<PositionalActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 1 } });
const current = proxyActivities<{ createPurchaseOrder(input: Record<string, unknown>): Promise<unknown> }>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

/** A PO create as the old code called its activities; returns what each answered. */
export async function positionalPurchaseOrder(connectionId: string, reference: string) {
  const { value: resolved } = await old.resolveWriteProfile(connectionId);
  const ref = resolved.profile.purchaseOrder.referenceField;
  const { value: vendorKnown } = await old.vendorExists(connectionId, 'V-100');
  const { value: before } = await old.findPurchaseOrderByReference(connectionId, ref, reference);
  const body = {
    vendorKey: 'V-100',
    siteKey: '1000',
    currencyKey: 'EUR',
    [ref]: reference,
    lineItems: [{ lineNo: 1, materialKey: 'mat-1', quantity: 1, price: 10 }],
  };
  const { value: created } = await old.createPurchaseOrder(connectionId, body, ref);
  return { system: resolved.system, vendorKnown, foundBefore: before !== null, created: created.key, reference: created.reference };
}

/** A Makini activity called with an input object that names no connection: what it failed with. */
export async function inputWithoutConnection(): Promise<{ type?: string; message: string }> {
  try {
    await current.createPurchaseOrder({ body: { vendorKey: 'V-100' }, referenceField: 'orderNo' });
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure)
      return { type: err.cause.type ?? undefined, message: err.cause.message };
    throw err;
  }
  return { message: 'it ran' };
}
