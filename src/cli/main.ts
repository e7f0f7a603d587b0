// `makini-writes` CLI (npm run cli -- <command>): one module per command under ./commands.
import { DEFAULT_TASK_QUEUE } from '../client/index.js';
import { EXIT_USAGE, type CliCommand } from './command.js';
import { capabilitiesCommand } from './commands/capabilities.js';
import { bulkCommand } from './commands/bulk.js';
import { codecServerCommand } from './commands/codec-server.js';
import { listFailedCommand } from './commands/list-failed.js';
import { replayCommand } from './commands/replay.js';
import { rerunFailedCommand } from './commands/rerun-failed.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { connectionStatusCommand } from './commands/connection-status.js';
import { reauthorizeCommand } from './commands/reauthorize.js';
import { webhookSendCommand } from './commands/webhook-send.js';

/** Every command, by name. Register a new command with one line here. */
const commands: Record<string, CliCommand> = {
  start: startCommand,
  status: statusCommand,
  capabilities: capabilitiesCommand,
  bulk: bulkCommand,
  'list-failed': listFailedCommand,
  'rerun-failed': rerunFailedCommand,
  replay: replayCommand,
  'codec-server': codecServerCommand,
  'connection-status': connectionStatusCommand,
  reauthorize: reauthorizeCommand,
  'webhook-send': webhookSendCommand,
};

const usage = () => `usage:\n${Object.values(commands)
  .map((c) => `  makini-writes ${c.usage}`)
  .join('\n')}
env: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TASK_QUEUE (default ${DEFAULT_TASK_QUEUE})`;

async function main([name, ...args]: string[]): Promise<number> {
  const command = name ? commands[name] : undefined;
  const code = command ? await command.run(args) : EXIT_USAGE;
  if (code === EXIT_USAGE) console.error(command ? `usage: makini-writes ${command.usage}` : usage());
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`makini-writes: ${(err as Error).message}`);
    process.exit(1);
  },
);
