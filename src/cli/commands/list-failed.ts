// `list-failed [filters] [--json]`: failed writes (their latest run failed) by connection, system, type, error or time.
import { findFailedWrites, formatFailedWrites } from '../../operations/failed-writes.js';
import { flag, JSON_OPTION, printJson, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';
import { FILTER_OPTIONS, readFilterArgs } from '../filter-options.js';

export const listFailedCommand: CliCommand = {
  name: 'list-failed',
  summary: 'failed writes (latest run failed), by connection, system, type, error code or time',
  usage: '',
  description:
    'Prints the visibility query, then one line per failed write (workflow id, type, connection, error code,\n' +
    'when). Failed runs already followed by a later run of the same workflow id are counted, not listed.',
  options: { ...FILTER_OPTIONS, json: JSON_OPTION },
  examples: [
    'makini-writes list-failed --connection acme-sap --since 2026-11-01T00:00:00Z',
    'makini-writes list-failed --error-code RetryBudgetExhausted --json',
  ],
  temporal: true,
  async run(args, io) {
    const a = readFilterArgs(args);
    return withClient(async (client) => {
      const found = await findFailedWrites(client, a.filter, a.limit);
      if (flag(args, 'json')) {
        printJson(io, { query: found.query, count: found.writes.length, superseded: found.superseded, writes: found.writes });
        return 0;
      }
      io.out(`query: ${found.query}`);
      io.out(found.writes.length ? formatFailedWrites(found.writes) : 'no failed writes match');
      io.out(
        `${found.writes.length} failed write(s)${found.superseded ? `; ${found.superseded} failed run(s) already superseded by a later run` : ''}`,
      );
      return 0;
    });
  },
};
