import { describe, expect, it } from 'vitest';
import { failedWritesQuery, FailedWritesFilterError } from '../../src/operations/failed-writes-query.js';
import { WRITE_TYPE_NAMES } from '../../src/writes/workflow/catalog.js';

const allTypes = `WorkflowType IN (${WRITE_TYPE_NAMES.map((t) => `'${t}'`).join(', ')})`;

describe('failedWritesQuery', () => {
  it('without a filter: failed executions of write types only (never bulks or control workflows)', () => {
    expect(failedWritesQuery({})).toBe(`${allTypes} AND ExecutionStatus = 'Failed'`);
  });

  it('adds each filter on the search attribute ops filter by, and the failure time range', () => {
    expect(
      failedWritesQuery({
        connectionId: 'acme-sap',
        system: 'sap',
        entity: 'purchase-order',
        operation: 'create',
        errorCode: 'MakiniRequestRejected',
        since: '2026-11-02',
        until: '2026-11-02T10:30:00+01:00',
      }),
    ).toBe(
      `${allTypes} AND ExecutionStatus = 'Failed' AND MakiniConnectionId = 'acme-sap' AND MakiniSystem = 'sap' ` +
        `AND MakiniEntity = 'purchase-order' AND MakiniOperation = 'create' AND MakiniErrorCode = 'MakiniRequestRejected' ` +
        `AND CloseTime >= '2026-11-02T00:00:00.000Z' AND CloseTime <= '2026-11-02T09:30:00.000Z'`,
    );
  });

  it('narrows to one write type', () => {
    expect(failedWritesQuery({ workflowType: 'createPurchaseOrder' })).toBe(
      `WorkflowType = 'createPurchaseOrder' AND ExecutionStatus = 'Failed'`,
    );
  });

  it('refuses values the query cannot carry safely, naming the option', () => {
    expect(() => failedWritesQuery({ connectionId: "x' OR '1'='1" })).toThrow(/--connection "x' OR '1'='1": expected letters, digits/);
    expect(() => failedWritesQuery({ system: 'sap eam' })).toThrow(FailedWritesFilterError);
    expect(() => failedWritesQuery({ errorCode: '' })).toThrow(/--error-code/);
  });

  it('refuses times that are not ISO 8601, and an empty range', () => {
    expect(() => failedWritesQuery({ since: 'yesterday' })).toThrow(/--since "yesterday": expected an ISO 8601 date/);
    expect(() => failedWritesQuery({ until: '02/11/2026' })).toThrow(/--until/);
    expect(() => failedWritesQuery({ since: '2026-11-03', until: '2026-11-02' })).toThrow(/--since 2026-11-03 is after --until 2026-11-02/);
  });

  it('refuses an unknown workflow type, listing the write types', () => {
    expect(() => failedWritesQuery({ workflowType: 'bulkWrite' })).toThrow(/--type "bulkWrite": not a write type \(createPurchaseOrder, /);
  });
});
