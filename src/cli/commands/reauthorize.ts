// `reauthorize <connectionId> [--note TEXT]`: tells the connection it has been reauthorized (after
// the new token is in the token source): every write waiting for it goes on.
import { userInfo } from 'node:os';
import { getConnectionStatus, reauthorizeConnection } from '../../connections/control-client.js';
import { stringValue, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';
import { positionals } from '../options.js';

/** Who runs the command (recorded with a reauthorization). */
export const who = () => {
  try {
    return userInfo().username;
  } catch {
    return 'unknown user';
  }
};

export const reauthorizeCommand: CliCommand = {
  name: 'reauthorize',
  summary: 'tell a connection it was reauthorized: the writes waiting for it go on',
  usage: '<connectionId>',
  description:
    'Run it once the new token is in the token source (env, file or provider): every write waiting on a 401\n' +
    'for this connection goes on with it. A connection.online webhook does the same.',
  arguments: { '<connectionId>': 'e.g. acme-sap' },
  options: { note: { type: 'string', value: 'TEXT', description: 'why, recorded with who (your user name) and when' } },
  examples: ['makini-writes reauthorize acme-sap --note "customer re-entered credentials"'],
  temporal: true,
  async run(args, io) {
    const [connectionId] = positionals(args, ['<connectionId>']) as [string];
    const note = stringValue(args, 'note');
    const taskQueue = process.env.TEMPORAL_TASK_QUEUE || undefined;
    return withClient(async (client) => {
      const before = await getConnectionStatus(client, connectionId, { taskQueue });
      await reauthorizeConnection(client, connectionId, { taskQueue, by: `cli (${who()})`, note });
      const waiting = before?.state.waiters.length ?? 0;
      io.out(
        `connection ${connectionId} marked reauthorized${before?.state.reauth.needed ? '' : ' (it was not marked as needing it)'}; ` +
          `${waiting} waiting write(s) go on with the token the token source now holds`,
      );
      return 0;
    });
  },
};
