// `rerun-failed [filters] [--dry-run] [--reset-to-last-good] [--json]`: starts failed writes again
// with their original input (a new run of the same workflow id: the write looks up what the failed
// run wrote before writing), or resets them to their last good step where that is safe.
import { dataConverterFromSetting } from '../../codec/data-converter.js';
import { findFailedWrites, formatFailedWrites } from '../../operations/failed-writes.js';
import { rerunFailedWrite, type RerunResult } from '../../operations/rerun.js';
import { CliUsageError, flag, JSON_OPTION, printJson, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';
import { FILTER_OPTIONS, readFilterArgs } from '../filter-options.js';

export const rerunFailedCommand: CliCommand = {
  name: 'rerun-failed',
  summary: 'start failed writes again with their input (same idempotency key: never a duplicate)',
  usage: '',
  description:
    'Each matching write gets a new run of the same workflow id, which looks up what the failed run wrote\n' +
    'before writing. --reset-to-last-good resets to the last good step instead, where that is safe (else it\n' +
    're-runs, saying why). At least one filter is required. Exit 1 if any failed to start.',
  options: {
    ...FILTER_OPTIONS,
    'dry-run': { type: 'boolean', description: 'list what would be re-run; start nothing' },
    'reset-to-last-good': { type: 'boolean', description: 'reset to the last good step where safe, else re-run' },
    json: JSON_OPTION,
  },
  examples: [
    'makini-writes rerun-failed --connection acme-sap --error-code MakiniRequestRejected --dry-run',
    'makini-writes rerun-failed --connection acme-sap --since 2026-11-01T00:00:00Z --reset-to-last-good',
  ],
  temporal: true,
  async run(args, io) {
    const a = readFilterArgs(args);
    if (!Object.values(a.filter).some((v) => v !== undefined)) {
      throw new CliUsageError(
        'name at least one filter (--connection, --system, --entity, --operation, --type, --error-code, --since, --until): re-running every failed write at once is rarely meant',
      );
    }
    const json = flag(args, 'json');
    const dryRun = flag(args, 'dry-run');
    const resetToLastGood = flag(args, 'reset-to-last-good');
    const text = (line: string) => {
      if (!json) io.out(line);
    };
    return withClient(async (client) => {
      const found = await findFailedWrites(client, a.filter, a.limit);
      text(`query: ${found.query}`);
      const results: RerunResult[] = [];
      const tally = { rerun: 0, reset: 0, skipped: 0, failed: 0 };
      const report = () => {
        if (json) printJson(io, { query: found.query, dryRun, resetToLastGood, writes: found.writes, results, tally });
      };
      if (!found.writes.length) {
        text('no failed writes match');
        report();
        return 0;
      }
      text(formatFailedWrites(found.writes));
      const how = resetToLastGood ? 'reset to their last good step where safe, else re-run' : 're-run with their original input';
      if (dryRun) {
        text(`dry run: ${found.writes.length} failed write(s) would be ${how}`);
        report();
        return 0;
      }
      text(`${found.writes.length} failed write(s) to be ${how}`);
      const dataConverter = dataConverterFromSetting(process.env.MAKINI_WRITES_ENCRYPTION_KEYS);
      for (const [i, w] of found.writes.entries()) {
        const r = await rerunFailedWrite(client, w, { dataConverter, resetToLastGood });
        results.push(r);
        tally[r.status] += 1;
        const what =
          'runId' in r
            ? `${r.status === 'rerun' ? 're-run' : 'reset'} as run ${r.runId}${r.note ? ` (${r.note})` : ''}`
            : `${r.status}: ${r.reason}`;
        text(`[${i + 1}/${found.writes.length}] ${w.workflowId}: ${what}`);
      }
      text(`done: ${tally.rerun} re-run, ${tally.reset} reset, ${tally.skipped} skipped, ${tally.failed} failed to start`);
      report();
      return tally.failed ? 1 : 0;
    });
  },
};
