// The visibility query behind `list-failed` and `rerun-failed`: failed write executions filtered by
// this project's search attributes and by when they failed. Pure; values are checked, not escaped.
import { SA_CONNECTION_ID, SA_ENTITY, SA_ERROR_CODE, SA_OPERATION, SA_SYSTEM } from '../observability/workflow/search-attributes.js';
import { WRITE_TYPE_NAMES } from '../writes/workflow/catalog.js';

export interface FailedWritesFilter {
  connectionId?: string;
  system?: string;
  entity?: string;
  operation?: string;
  workflowType?: string;
  /** Failure type or Makini error code (`MakiniErrorCode`). */
  errorCode?: string;
  /** Failed at or after (ISO 8601). */
  since?: string;
  /** Failed at or before (ISO 8601). */
  until?: string;
}

/** Thrown for a filter value the query cannot carry, naming the option. */
export class FailedWritesFilterError extends Error {
  override name = 'FailedWritesFilterError';
}

/** Keyword values as this project writes them: ids, names, codes. No quotes, no spaces. */
const KEYWORD = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

function keyword(option: string, value: string): string {
  if (!KEYWORD.test(value)) {
    throw new FailedWritesFilterError(`--${option} "${value}": expected letters, digits, dot, dash, colon, slash or underscore`);
  }
  return `'${value}'`;
}

function time(option: string, value: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw new FailedWritesFilterError(`--${option} "${value}": expected an ISO 8601 date or date-time, e.g. 2026-11-02T08:00:00Z`);
  return `'${new Date(ms).toISOString()}'`;
}

/**
 * The visibility query of failed writes matching `filter`.
 * @example failedWritesQuery({ connectionId: 'acme-sap', since: '2026-11-02' })
 * // WorkflowType IN (...) AND ExecutionStatus = 'Failed' AND MakiniConnectionId = 'acme-sap' AND CloseTime >= '2026-11-02T00:00:00.000Z'
 */
export function failedWritesQuery(filter: FailedWritesFilter): string {
  if (filter.workflowType !== undefined && !(WRITE_TYPE_NAMES as string[]).includes(filter.workflowType)) {
    throw new FailedWritesFilterError(`--type "${filter.workflowType}": not a write type (${WRITE_TYPE_NAMES.join(', ')})`);
  }
  const types = filter.workflowType ? [filter.workflowType] : WRITE_TYPE_NAMES;
  const parts = [
    types.length === 1 ? `WorkflowType = '${types[0]}'` : `WorkflowType IN (${types.map((t) => `'${t}'`).join(', ')})`,
    `ExecutionStatus = 'Failed'`,
  ];
  const eq: [string, string, string | undefined][] = [
    ['connection', SA_CONNECTION_ID.name, filter.connectionId],
    ['system', SA_SYSTEM.name, filter.system],
    ['entity', SA_ENTITY.name, filter.entity],
    ['operation', SA_OPERATION.name, filter.operation],
    ['error-code', SA_ERROR_CODE.name, filter.errorCode],
  ];
  for (const [option, attribute, value] of eq) if (value !== undefined) parts.push(`${attribute} = ${keyword(option, value)}`);
  if (filter.since !== undefined) parts.push(`CloseTime >= ${time('since', filter.since)}`);
  if (filter.until !== undefined) parts.push(`CloseTime <= ${time('until', filter.until)}`);
  if (filter.since !== undefined && filter.until !== undefined && Date.parse(filter.since) > Date.parse(filter.until)) {
    throw new FailedWritesFilterError(`--since ${filter.since} is after --until ${filter.until}`);
  }
  return parts.join(' AND ');
}
