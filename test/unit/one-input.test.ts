// Every Makini activity takes one input object; a task scheduled before that change carries the
// positional arguments of the old signature and gets the same object (src/activities/positional.ts).
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { MAKINI_ACTIVITY_INPUTS, oneInputOf, POSITIONAL_FIELDS } from '../../src/activities/positional.js';
import { ActivityFailureType } from '../../src/failures/workflow/failure-types.js';

function failureOf(fn: () => unknown): ApplicationFailure {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('it did not fail');
}

describe('one input object per Makini activity', () => {
  it('knows the old positional signature of every activity but the one that always took an object', () => {
    const without = Object.keys(MAKINI_ACTIVITY_INPUTS).filter((name) => !Object.hasOwn(POSITIONAL_FIELDS, name));
    expect(without).toEqual(['refreshConnectionToken']);
    // A Makini activity's first argument was always its connection.
    const positional = POSITIONAL_FIELDS as Record<string, readonly string[] | undefined>;
    for (const name of Object.keys(MAKINI_ACTIVITY_INPUTS)) if (positional[name]) expect(positional[name][0], name).toBe('connectionId');
  });

  it('turns the positional arguments of an old task into the input object', () => {
    const body = { vendorKey: 'V-100', orderNo: 'k-1' };
    expect(oneInputOf('createPurchaseOrder', ['acme', body, 'orderNo'])).toEqual([
      { connectionId: 'acme', body, referenceField: 'orderNo' },
    ]);
    expect(oneInputOf('compareAndSetInventory', ['acme', { inventoryKey: 'inv-1' }, { quantity: 5 }, { quantity: 7 }])).toEqual([
      { connectionId: 'acme', target: { inventoryKey: 'inv-1' }, expected: { quantity: 5 }, changes: { quantity: 7 } },
    ]);
    // An argument the old call left out takes its default, as the old signature did (`by = 'key'`).
    expect(oneInputOf('vendorExists', ['acme', 'V-100'])).toEqual([{ connectionId: 'acme', value: 'V-100', by: 'key' }]);
    expect(oneInputOf('resolveWriteProfile', ['acme'])).toEqual([{ connectionId: 'acme' }]);
  });

  it('passes a current input as it is, and the arguments of an activity the worker does not know untouched', () => {
    const input = { connectionId: 'acme', key: 'po-1', referenceField: 'orderNo' };
    expect(oneInputOf('getPurchaseOrder', [input])).toEqual([input]);
    expect(oneInputOf('echo', ['hello', 2])).toEqual(['hello', 2]);
  });

  it("gives the bulk write's wait its input object too, which names no connection", () => {
    const workflowId = 'purchase-order/create/acme/k-1';
    expect(oneInputOf('awaitWriteResult', [workflowId])).toEqual([{ workflowId }]);
    expect(oneInputOf('awaitWriteResult', [{ workflowId }])).toEqual([{ workflowId }]);
  });

  it('refuses an input without connectionId, naming the activity, before anything is sent', () => {
    const failure = failureOf(() => oneInputOf('createPurchaseOrder', [{ body: {}, referenceField: 'orderNo' }]));
    expect(failure.type).toBe(ActivityFailureType.invalidInput);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(
      'activity createPurchaseOrder: its input names no connectionId (every Makini activity takes { connectionId, ... })',
    );
  });

  it('names a mistyped field without quoting its value (a record may be confidential)', () => {
    const failure = failureOf(() =>
      oneInputOf('addPurchaseOrderLine', [{ connectionId: 'acme', purchaseOrderKey: 'po-1', line: 'IBAN DE89 3704' }]),
    );
    expect(failure.message).toMatch(/^activity addPurchaseOrderLine: invalid input \(line: /);
    expect(failure.message).not.toContain('DE89');
  });
});
