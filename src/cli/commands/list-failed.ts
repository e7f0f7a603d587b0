// `list-failed [filters]`: failed writes (their latest run failed) by connection, system, type, error or time.
import { findFailedWrites, formatFailedWrites } from '../../operations/failed-writes.js';
import { EXIT_USAGE, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';
import { FILTER_USAGE, readFilterArgs, type FilterArgs } from '../filter-options.js';
import { CliOptionError } from '../options.js';

export const listFailedCommand: CliCommand = {
  usage: `list-failed ${FILTER_USAGE}`,
  async run(args) {
    let a: FilterArgs;
    try {
      a = readFilterArgs(args);
    } catch (err) {
      if (err instanceof CliOptionError) {
        console.error(err.message);
        return EXIT_USAGE;
      }
      throw err;
    }
    return withClient(async (client) => {
      const found = await findFailedWrites(client, a.filter, a.limit);
      console.log(`query: ${found.query}`);
      console.log(found.writes.length ? formatFailedWrites(found.writes) : 'no failed writes match');
      console.log(
        `${found.writes.length} failed write(s)${found.superseded ? `; ${found.superseded} failed run(s) already superseded by a later run` : ''}`,
      );
      return 0;
    });
  },
};
