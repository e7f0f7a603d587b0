// The purchase orders test/ and bench/ write, from ONE builder: the sandbox's seeded reference
// data (vendor V-100, site 1000, materials mat-1..mat-3), valid for every system profile; the
// workflow layer's fake Makini (test/workflows/support/fake-makini.ts) accepts the same keys. No
// vitest here: the benchmarks import it too.
import type { CreatePurchaseOrderInput } from '../../src/client/index.js';

export const PO_HEADER = { vendorKey: 'V-100', siteKey: '1000', currencyKey: 'EUR' } as const;

/** `n` lines numbered from 1, on the seeded materials in turn. */
export const poLines = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    lineNo: i + 1,
    materialKey: `mat-${(i % 3) + 1}`,
    name: `part ${i + 1}`,
    quantity: i + 1,
    price: 10 + i,
  }));

export interface PoInputOptions {
  /** How many lines (default 1). */
  lines?: number;
  /** The PO's title; none by default (not every native API has one). */
  title?: string;
  /** Header fields beside PO_HEADER's or instead of them (a vendor that does not exist, notes). */
  fields?: Partial<Omit<CreatePurchaseOrderInput['purchaseOrder'], 'lineItems'>>;
  retryBudget?: CreatePurchaseOrderInput['retryBudget'];
}

/**
 * A `createPurchaseOrder` input on `connectionId` under `idempotencyKey`.
 * @example
 * await startCreatePurchaseOrder(client, poInput('sap-1', uniqueKey('po'), { lines: 20 }), { taskQueue });
 */
export function poInput(connectionId: string, idempotencyKey: string, opts: PoInputOptions = {}): CreatePurchaseOrderInput {
  return {
    connectionId,
    idempotencyKey,
    purchaseOrder: {
      ...PO_HEADER,
      ...(opts.title !== undefined && { title: opts.title }),
      ...opts.fields,
      lineItems: poLines(opts.lines ?? 1),
    },
    ...(opts.retryBudget && { retryBudget: opts.retryBudget }),
  };
}
