// Purchase orders the benchmarks write: valid for every system the sandbox knows.
import type { CreatePurchaseOrderInput } from '../../src/client/index.js';

export const poLines = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    lineNo: i + 1,
    materialKey: `mat-${(i % 3) + 1}`,
    name: `part ${i + 1}`,
    quantity: i + 1,
    price: 10 + i,
  }));

export const PO_HEADER = { vendorKey: 'V-100', siteKey: '1000', currencyKey: 'EUR' } as const;

export function createPoInput(connectionId: string, idempotencyKey: string, lines: number): CreatePurchaseOrderInput {
  return { connectionId, idempotencyKey, purchaseOrder: { ...PO_HEADER, title: `bench ${idempotencyKey}`, lineItems: poLines(lines) } };
}

export { uniqueKey } from '../../test/support/production-worker.js';
