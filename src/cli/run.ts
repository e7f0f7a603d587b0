// The CLI's dispatch: `makini-writes <command> [arguments] [options]`. Every command parses its
// arguments here (node:util.parseArgs against its option table), answers `--help`, and reports a
// usage problem with exit 2 before doing anything.
import { CliUsageError, EXIT_USAGE, type CliCommand, type CliIo } from './command.js';
import { bulkCommand } from './commands/bulk.js';
import { capabilitiesCommand } from './commands/capabilities.js';
import { codecServerCommand } from './commands/codec-server.js';
import { connectionStatusCommand } from './commands/connection-status.js';
import { listFailedCommand } from './commands/list-failed.js';
import { oauthConnectCommand } from './commands/oauth-connect.js';
import { reauthorizeCommand } from './commands/reauthorize.js';
import { replayCommand } from './commands/replay.js';
import { rerunFailedCommand } from './commands/rerun-failed.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { webhookSendCommand } from './commands/webhook-send.js';
import { TemporalUnreachableError } from './connect.js';
import { commandHelp, overallHelp, usageLine } from './help.js';
import { closest, parseCommandArgs } from './options.js';
import { printable, printableLines } from '../observability/printable.js';

/** Every command, in the order `--help` lists them. Register a new command with one line here. */
export const COMMANDS: readonly CliCommand[] = [
  startCommand,
  statusCommand,
  capabilitiesCommand,
  bulkCommand,
  listFailedCommand,
  rerunFailedCommand,
  replayCommand,
  connectionStatusCommand,
  reauthorizeCommand,
  oauthConnectCommand,
  webhookSendCommand,
  codecServerCommand,
];

const consoleIo: CliIo = {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
};

/** Runs one CLI invocation (`argv` without node and the script); resolves to the exit code. */
export async function runCli(argv: readonly string[], rawIo: CliIo = consoleIo): Promise<number> {
  // Whatever a command prints (messages from Makini, history, files, arguments): no control
  // character but the layout's line breaks reaches the terminal (JSON output stays valid JSON).
  const io: CliIo = { out: (text) => rawIo.out(printableLines(text)), err: (text) => rawIo.err(printableLines(text)) };
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(overallHelp(COMMANDS));
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const command = topic ? COMMANDS.find((c) => c.name === topic) : undefined;
    io.out(command ? commandHelp(command) : overallHelp(COMMANDS));
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const near = closest(
      name,
      COMMANDS.map((c) => c.name),
    );
    io.err(`makini-writes: unknown command "${printable(name)}"${near ? `; did you mean ${near}?` : ''} (makini-writes --help lists them)`);
    return EXIT_USAGE;
  }
  try {
    const parsed = parseCommandArgs(rest, command.options);
    if (parsed.help) {
      io.out(commandHelp(command));
      return 0;
    }
    return await command.run(parsed, io);
  } catch (err) {
    if (err instanceof CliUsageError) {
      io.err(`makini-writes ${command.name}: ${err.message}\n${usageLine(command)}\n(makini-writes ${command.name} --help for more)`);
      return EXIT_USAGE;
    }
    if (err instanceof TemporalUnreachableError) {
      io.err(`makini-writes ${command.name}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
