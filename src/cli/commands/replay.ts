// `replay <workflowId | history.json> [--workflows <file>]`: replays a history against the current
// workflow code (or another build of it) and reports nondeterminism with the event where it diverged.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { dataConverterFromSetting } from '../../codec/data-converter.js';
import { loadEncryptionSettings } from '../../config/settings.js';
import type { LoadedHistory } from '../../operations/replay.js';
import { EXIT_USAGE, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';
import { CliOptionError, parseOptions } from '../options.js';

export const replayCommand: CliCommand = {
  usage: 'replay <workflowId | history.json> [--workflows <workflows entry file>]',
  async run(args) {
    // Loaded here, not at CLI start-up: the worker package is heavy and only replay needs it.
    const { Runtime, DefaultLogger, makeTelemetryFilterString } = await import('@temporalio/worker');
    const { fetchHistory, formatReplayReport, readHistoryFile, replayHistory } = await import('../../operations/replay.js');
    const { WORKFLOWS_PATH } = await import('../../worker/compose.js');
    let source: string;
    let workflowsPath: string;
    try {
      const o = parseOptions(args, { values: ['workflows'], flags: [] });
      if (o.positional.length !== 1) return EXIT_USAGE;
      source = o.positional[0]!;
      workflowsPath = o.values.workflows ? resolve(o.values.workflows) : WORKFLOWS_PATH;
      if (!existsSync(workflowsPath)) throw new CliOptionError(`--workflows ${workflowsPath}: no such file`);
    } catch (err) {
      if (err instanceof CliOptionError) {
        console.error(err.message);
        return EXIT_USAGE;
      }
      throw err;
    }
    // Quiet: the replay worker's own warnings repeat what the report says.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
    });
    // The production data converter: the SDK bundles its failure converter into the replayed workflows.
    const encryption = loadEncryptionSettings();
    const dataConverter = dataConverterFromSetting(encryption.MAKINI_WRITES_ENCRYPTION_KEYS, {
      strict: encryption.MAKINI_WRITES_ENCRYPTION_STRICT,
    });
    const loaded: LoadedHistory = existsSync(source) ? readHistoryFile(source) : await withClient((client) => fetchHistory(client, source));
    const report = await replayHistory(loaded, { workflowsPath }, dataConverter);
    console.log(formatReplayReport(report));
    return report.ok ? 0 : 1;
  },
};
