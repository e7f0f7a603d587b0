// Metric label values stay within bounded sets: step names lose their numbers and record keys,
// Makini error codes outside the documented set are counted as "other". A label value taken from
// input (a material key) or from an answer's body (any code) would make a new series each time.
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { MakiniFailureType } from '../../src/failures/workflow/failure-types.js';
import { makiniCallInterceptors } from '../../src/makini/call-metrics.js';
import { errorCodeLabel } from '../../src/makini/workflow/error-code-label.js';
import { MakiniMetric } from '../../src/observability/workflow/metric-labels.js';
import { stepLabel } from '../../src/writes/workflow/engine/step-observer.js';

describe('step label', () => {
  it('replaces numbers with N and record keys with K', () => {
    expect(stepLabel('add line 7')).toBe('add line N');
    expect(stepLabel('create purchase order with 20 lines')).toBe('create purchase order with N lines');
    expect(stepLabel('write quantity -2.5 if unchanged (round 3)')).toBe('write quantity N if unchanged (round N)');
    expect(stepLabel('add material mat-1')).toBe('add material K');
    expect(stepLabel('look up material pump-seal')).toBe('look up material K'); // a key without digits
    expect(stepLabel('cancel PO-42')).toBe('cancel K');
    expect(stepLabel('look up by idempotency key')).toBe('look up by idempotency key');
    expect(stepLabel('compensate: cancel header')).toBe('compensate: cancel header');
    expect(stepLabel('check vendorKey exists')).toBe('check vendorKey exists');
    expect(stepLabel('list work-order statuses')).toBe('list work-order statuses');
  });

  it('gives every material of a write the same label', () => {
    const labels = new Set(['mat-1', 'mat-2', 'MAT_0099', 'pump seal', 'x/y'].map((k) => stepLabel(`add material ${k}`)));
    expect([...labels]).toEqual(['add material K']);
  });
});

describe('makini_calls error_code label', () => {
  it('keeps documented codes and failure types, and counts any other code as "other"', () => {
    expect(errorCodeLabel('RATE_LIMIT_EXCEEDED', MakiniFailureType.rateLimited)).toBe('RATE_LIMIT_EXCEEDED');
    expect(errorCodeLabel(undefined, MakiniFailureType.network)).toBe('MakiniNetworkError');
    expect(errorCodeLabel('SAP_ERR_4711_customer_12345', MakiniFailureType.rejected)).toBe('other');
  });

  it('is what the call interceptor records for an answer with an undocumented code', async () => {
    const recorded: { name: string; attrs: Record<string, unknown> }[] = [];
    const meter = {
      createCounter: (name: string) => ({ add: (_v: number, attrs: Record<string, unknown>) => recorded.push({ name, attrs }) }),
      createHistogram: (name: string) => ({ record: (_v: number, attrs: Record<string, unknown>) => recorded.push({ name, attrs }) }),
    };
    const logged: Record<string, unknown>[] = [];
    const ctx = {
      info: { activityType: 'createPurchaseOrder' },
      metricMeter: meter,
      log: { info: () => undefined, warn: (_m: string, attrs: Record<string, unknown>) => logged.push(attrs) },
    } as unknown as Context;
    const { inbound } = makiniCallInterceptors({ connections: [{ id: 'acme', system: 'sap' }] })(ctx);
    const failure = ApplicationFailure.create({
      type: MakiniFailureType.rejected,
      message: '400 ZZ_CUSTOM_9f2c',
      details: [
        { type: MakiniFailureType.rejected, status: 400, code: 'ZZ_CUSTOM_9f2c', message: 'refused', retryable: false, ambiguous: false },
      ],
    });
    const input = { args: [{ connectionId: 'acme' }], headers: {} } as unknown as ActivityExecuteInput;
    await expect(
      inbound!.execute!(input, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    const calls = recorded.find((r) => r.name === MakiniMetric.calls);
    expect(calls?.attrs).toEqual({ system: 'sap', operation: 'createPurchaseOrder', status: '400', error_code: 'other' });
    expect(logged[0]).toMatchObject({ errorCode: 'ZZ_CUSTOM_9f2c' }); // the log keeps what Makini sent
  });
});
