// The filter options shared by `list-failed` and `rerun-failed`.
import { failedWritesQuery, FailedWritesFilterError, type FailedWritesFilter } from '../operations/failed-writes-query.js';
import { CliOptionError, parseOptions } from './options.js';

const FILTER_OPTIONS = ['connection', 'system', 'entity', 'operation', 'type', 'error-code', 'since', 'until', 'limit'] as const;

export const FILTER_USAGE =
  '[--connection ID] [--system S] [--entity E] [--operation O] [--type WORKFLOW_TYPE] [--error-code C] [--since ISO] [--until ISO] [--limit N]';

export interface FilterArgs {
  filter: FailedWritesFilter;
  /** Most writes to act on (default 1000). */
  limit: number;
  flags: Set<string>;
}

/** Reads the filter options (and the command's own flags); every problem is a `CliOptionError`. */
export function readFilterArgs(args: readonly string[], flags: readonly string[] = []): FilterArgs {
  const o = parseOptions(args, { values: FILTER_OPTIONS, flags });
  if (o.positional.length) throw new CliOptionError(`unexpected argument "${o.positional[0]}"`);
  const v = o.values;
  const filter: FailedWritesFilter = {
    connectionId: v.connection,
    system: v.system,
    entity: v.entity,
    operation: v.operation,
    workflowType: v.type,
    errorCode: v['error-code'],
    since: v.since,
    until: v.until,
  };
  const limit = v.limit === undefined ? 1_000 : Number(v.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new CliOptionError(`--limit "${v.limit}": expected a positive whole number`);
  try {
    failedWritesQuery(filter); // a bad value is a usage error, found before connecting
  } catch (err) {
    if (err instanceof FailedWritesFilterError) throw new CliOptionError(err.message);
    throw err;
  }
  return { filter, limit, flags: o.flags };
}
