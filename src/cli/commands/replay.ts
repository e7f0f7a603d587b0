// `replay <workflowId | history.json> [--workflows <file>]`: replays a history against the current
// workflow code (or another build of it) and reports nondeterminism with the event where it diverged.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { dataConverterFromSetting, encryptionOptions } from '../../codec/data-converter.js';
import { loadEncryptionSettings } from '../../config/settings.js';
import type { LoadedHistory } from '../../operations/replay.js';
import { CliUsageError, stringValue, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';
import { positionals } from '../options.js';

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'replay a history against the current workflow code; exit 1 naming the event on nondeterminism',
  usage: '<workflowId | history.json>',
  description:
    'A workflow id is fetched from Temporal (decoded with MAKINI_WRITES_ENCRYPTION_KEYS); a file is a history\n' +
    "exported as JSON (the UI's download, or temporal workflow show -o json). Exit 0 replayed cleanly,\n" +
    '1 nondeterminism (the diverging event and what the history has there).',
  arguments: { '<workflowId | history.json>': 'a live workflow id, or a history file' },
  options: { workflows: { type: 'string', value: 'FILE', description: 'another workflows entry file (default: src/workflows/index.ts)' } },
  examples: [
    'makini-writes replay purchase-order/create/demo-sap/first-po-0001',
    'makini-writes replay test/histories/create-po-sap-20-lines.json',
  ],
  temporal: true,
  async run(args, io) {
    const [source] = positionals(args, ['<workflowId | history.json>']) as [string];
    // Loaded here, not at CLI start-up: the worker package is heavy and only replay needs it.
    const { Runtime, DefaultLogger, makeTelemetryFilterString } = await import('@temporalio/worker');
    const { fetchHistory, formatReplayReport, readHistoryFile, replayHistory } = await import('../../operations/replay.js');
    const { WORKFLOWS_PATH } = await import('../../composition/compose.js');
    const workflowsOption = stringValue(args, 'workflows');
    const workflowsPath = workflowsOption ? resolve(workflowsOption) : WORKFLOWS_PATH;
    if (!existsSync(workflowsPath)) throw new CliUsageError(`--workflows ${workflowsPath}: no such file`);
    // Quiet: the replay worker's own warnings repeat what the report says.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
    });
    // The production data converter: the SDK bundles its failure converter into the replayed workflows.
    const encryption = loadEncryptionSettings();
    const dataConverter = dataConverterFromSetting(encryption.MAKINI_WRITES_ENCRYPTION_KEYS, encryptionOptions(encryption));
    const loaded: LoadedHistory = existsSync(source) ? readHistoryFile(source) : await withClient((client) => fetchHistory(client, source));
    const report = await replayHistory(loaded, { workflowsPath }, dataConverter);
    io.out(formatReplayReport(report));
    return report.ok ? 0 : 1;
  },
};
