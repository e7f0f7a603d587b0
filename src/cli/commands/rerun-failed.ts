// `rerun-failed [filters] [--dry-run] [--reset-to-last-good]`: starts failed writes again with their
// original input (a new run of the same workflow id: the write looks up what the failed run wrote
// before writing), or resets them to their last good step where that is safe.
import { dataConverterFromSetting } from '../../codec/data-converter.js';
import { findFailedWrites, formatFailedWrites } from '../../operations/failed-writes.js';
import { rerunFailedWrite } from '../../operations/rerun.js';
import { EXIT_USAGE, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';
import { FILTER_USAGE, readFilterArgs, type FilterArgs } from '../filter-options.js';
import { CliOptionError } from '../options.js';

export const rerunFailedCommand: CliCommand = {
  usage: `rerun-failed ${FILTER_USAGE} [--dry-run] [--reset-to-last-good]`,
  async run(args) {
    let a: FilterArgs;
    try {
      a = readFilterArgs(args, ['dry-run', 'reset-to-last-good']);
      const { connectionId, system, entity, operation, workflowType, errorCode, since, until } = a.filter;
      if (![connectionId, system, entity, operation, workflowType, errorCode, since, until].some((v) => v !== undefined)) {
        throw new CliOptionError(
          'name at least one filter (--connection, --system, --entity, --operation, --type, --error-code, --since, --until): re-running every failed write at once is rarely meant',
        );
      }
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
      if (!found.writes.length) {
        console.log('no failed writes match');
        return 0;
      }
      console.log(formatFailedWrites(found.writes));
      const how = a.flags.has('reset-to-last-good')
        ? 'reset to their last good step where safe, else re-run'
        : 're-run with their original input';
      if (a.flags.has('dry-run')) {
        console.log(`dry run: ${found.writes.length} failed write(s) would be ${how}`);
        return 0;
      }
      console.log(`${found.writes.length} failed write(s) to be ${how}`);
      const dataConverter = dataConverterFromSetting(process.env.MAKINI_WRITES_ENCRYPTION_KEYS);
      const tally = { rerun: 0, reset: 0, skipped: 0, failed: 0 };
      for (const [i, w] of found.writes.entries()) {
        const r = await rerunFailedWrite(client, w, { dataConverter, resetToLastGood: a.flags.has('reset-to-last-good') });
        tally[r.status] += 1;
        const what =
          'runId' in r
            ? `${r.status === 'rerun' ? 're-run' : 'reset'} as run ${r.runId}${r.note ? ` (${r.note})` : ''}`
            : `${r.status}: ${r.reason}`;
        console.log(`[${i + 1}/${found.writes.length}] ${w.workflowId}: ${what}`);
      }
      console.log(`done: ${tally.rerun} re-run, ${tally.reset} reset, ${tally.skipped} skipped, ${tally.failed} failed to start`);
      return tally.failed ? 1 : 0;
    });
  },
};
