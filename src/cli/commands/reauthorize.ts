// `reauthorize <connectionId> [--note TEXT]`: tells the connection it has been reauthorized (after
// the new token is in the token source): every write waiting for it goes on.
import { userInfo } from 'node:os';
import { getConnectionStatus, reauthorizeConnection } from '../../connections/control-client.js';
import { EXIT_USAGE, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';
import { CliOptionError, parseOptions } from '../options.js';

const who = () => {
  try {
    return userInfo().username;
  } catch {
    return 'unknown user';
  }
};

export const reauthorizeCommand: CliCommand = {
  usage: 'reauthorize <connectionId> [--note TEXT]',
  async run(args) {
    let connectionId: string | undefined;
    let note: string | undefined;
    try {
      const o = parseOptions(args, { values: ['note'], flags: [] });
      [connectionId] = o.positional;
      note = o.values.note;
    } catch (err) {
      if (err instanceof CliOptionError) {
        console.error(err.message);
        return EXIT_USAGE;
      }
      throw err;
    }
    if (!connectionId) return EXIT_USAGE;
    const taskQueue = process.env.TEMPORAL_TASK_QUEUE || undefined;
    return withClient(async (client) => {
      const before = await getConnectionStatus(client, connectionId, { taskQueue });
      await reauthorizeConnection(client, connectionId, { taskQueue, by: `cli (${who()})`, note });
      const waiting = before?.state.waiters.length ?? 0;
      console.log(
        `connection ${connectionId} marked reauthorized${before?.state.reauth.needed ? '' : ' (it was not marked as needing it)'}; ` +
          `${waiting} waiting write(s) go on with the token the token source now holds`,
      );
      return 0;
    });
  },
};
