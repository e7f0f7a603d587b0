import { describe, expect, it } from 'vitest';
import { WriteFailureType } from '../../src/failures/workflow/failure-types.js';
import { resetPoint } from '../../src/operations/reset-point.js';

// A create that resolved its profile and created the PO, then failed reading it back (two attempts).
const ev = (eventId: number, attrs: Record<string, unknown>) => ({ eventId, ...attrs }) as never;
const history = [
  ev(1, { workflowExecutionStartedEventAttributes: {} }),
  ev(4, { workflowTaskCompletedEventAttributes: {} }),
  ev(5, { activityTaskScheduledEventAttributes: { activityType: { name: 'resolveWriteProfile' } } }),
  ev(7, { activityTaskCompletedEventAttributes: { scheduledEventId: 5 } }),
  ev(10, { workflowTaskCompletedEventAttributes: {} }),
  ev(11, { activityTaskScheduledEventAttributes: { activityType: { name: 'createPurchaseOrder' } } }),
  ev(13, { activityTaskCompletedEventAttributes: { scheduledEventId: 11 } }),
  ev(16, { workflowTaskCompletedEventAttributes: {} }),
  ev(17, { activityTaskScheduledEventAttributes: { activityType: { name: 'getPurchaseOrder' } } }),
  ev(19, { activityTaskFailedEventAttributes: { scheduledEventId: 17 } }),
  ev(22, { workflowTaskCompletedEventAttributes: {} }),
  ev(23, { activityTaskScheduledEventAttributes: { activityType: { name: 'getPurchaseOrder' } } }),
  ev(25, { activityTaskFailedEventAttributes: { scheduledEventId: 23 } }),
  ev(28, { workflowTaskCompletedEventAttributes: {} }),
  ev(29, { workflowExecutionFailedEventAttributes: {} }),
];

describe('resetPoint', () => {
  it('resets to the workflow task right after the last step that succeeded', () => {
    expect(resetPoint(history, WriteFailureType.retryBudgetExhausted, new Set())).toEqual({
      safe: true,
      eventId: 16,
      afterActivity: 'createPurchaseOrder',
    });
  });

  it('refuses when a later call may have written (ambiguous failure or timeout)', () => {
    expect(resetPoint(history, WriteFailureType.retryBudgetExhausted, new Set([19]))).toMatchObject({
      safe: false,
      reason: expect.stringMatching(/may have written: re-run instead/),
    });
    const timedOut = [...history.slice(0, -2), ev(26, { activityTaskTimedOutEventAttributes: {} }), ...history.slice(-2)];
    expect(resetPoint(timedOut, 'MakiniNetworkError', new Set())).toMatchObject({
      safe: false,
      reason: expect.stringMatching(/timed out/),
    });
  });

  it('refuses failures a reset cannot help, saying what to do instead', () => {
    expect(resetPoint(history, WriteFailureType.compensated, new Set())).toMatchObject({
      safe: false,
      reason: expect.stringMatching(/undone: re-run instead/),
    });
    // A reset would run the failed line again with the header still there and no undo registered.
    expect(resetPoint(history, WriteFailureType.compensationFailed, new Set())).toMatchObject({
      safe: false,
      reason: expect.stringMatching(/undo failed.*cancel that record by hand/),
    });
    expect(resetPoint(history, WriteFailureType.restrictionViolated, new Set())).toMatchObject({
      safe: false,
      reason: expect.stringMatching(/reads the rules again/),
    });
    expect(resetPoint(history, WriteFailureType.idempotencyKeyUsed, new Set())).toMatchObject({
      safe: false,
      reason: expect.stringMatching(/new key/),
    });
  });

  it('refuses when no step succeeded', () => {
    expect(resetPoint(history.slice(0, 3), 'MakiniRequestRejected', new Set())).toMatchObject({
      safe: false,
      reason: expect.stringMatching(/no step succeeded/),
    });
  });
});
