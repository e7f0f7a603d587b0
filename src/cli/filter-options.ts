// The filter options shared by `list-failed` and `rerun-failed`.
import { failedWritesQuery, FailedWritesFilterError, type FailedWritesFilter } from '../operations/failed-writes-query.js';
import { CliUsageError, stringValue, type CliOptions, type ParsedArgs } from './command.js';

export const FILTER_OPTIONS: CliOptions = {
  connection: { type: 'string', value: 'ID', description: 'connection id (MakiniConnectionId)' },
  system: { type: 'string', value: 'S', description: 'target system (sap, dynamics, emaint, ...)' },
  entity: { type: 'string', value: 'E', description: 'purchase-order, work-order or inventory' },
  operation: { type: 'string', value: 'O', description: 'create, update, cancel, ...' },
  type: { type: 'string', value: 'WORKFLOW_TYPE', description: 'workflow type (createPurchaseOrder, ...)' },
  'error-code': { type: 'string', value: 'C', description: 'failure type (MakiniRequestRejected, RetryBudgetExhausted, ...)' },
  since: { type: 'string', value: 'ISO', description: 'failed at or after (ISO 8601, e.g. 2026-11-01T00:00:00Z)' },
  until: { type: 'string', value: 'ISO', description: 'failed at or before (ISO 8601)' },
  limit: { type: 'string', value: 'N', description: 'at most N writes (default 1000)' },
};

export interface FilterArgs {
  filter: FailedWritesFilter;
  /** Most writes to act on (default 1000). */
  limit: number;
}

/** Reads the filter options; every problem is a `CliUsageError`, found before connecting. */
export function readFilterArgs(a: ParsedArgs): FilterArgs {
  if (a.positionals.length) throw new CliUsageError(`unexpected argument "${a.positionals[0]}"`);
  const v = (name: string) => stringValue(a, name);
  const filter: FailedWritesFilter = {
    connectionId: v('connection'),
    system: v('system'),
    entity: v('entity'),
    operation: v('operation'),
    workflowType: v('type'),
    errorCode: v('error-code'),
    since: v('since'),
    until: v('until'),
  };
  const rawLimit = v('limit');
  const limit = rawLimit === undefined ? 1_000 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1) throw new CliUsageError(`--limit "${rawLimit}": expected a positive whole number`);
  try {
    failedWritesQuery(filter); // a bad value is a usage error, found before connecting
  } catch (err) {
    if (err instanceof FailedWritesFilterError) throw new CliUsageError(err.message);
    throw err;
  }
  return { filter, limit };
}
