// `capabilities <connectionId> <entity> <operation>`: prints what the connection accepts for that
// write as JSON Schema (required, writable, read-only fields, state rules). Reads the connections
// file named by MAKINI_CONNECTIONS_FILE; calls neither Temporal nor Makini.
import { connectionsFileOf } from '../../config/local-stack.js';
import { capabilitiesOf, CapabilitiesError } from '../../profiles/connection-capabilities.js';
import { CliUsageError, EXIT_USAGE, JSON_OPTION, printJson, type CliCommand } from '../command.js';
import { positionals } from '../options.js';

export const capabilitiesCommand: CliCommand = {
  name: 'capabilities',
  summary: 'what a connection accepts for a write, as JSON Schema (reads MAKINI_CONNECTIONS_FILE)',
  usage: '<connectionId> <entity> <operation>',
  description:
    "Required, writable and read-only fields and the state rules (x-makini-*) of the connection's write\n" +
    "profile (its system's built-in profile plus its overrides). Always JSON; --json is accepted too.\n" +
    'Calls neither Temporal nor Makini: the connection must name its `system`.',
  arguments: {
    '<connectionId>': 'a connection of MAKINI_CONNECTIONS_FILE',
    '<entity>': 'purchaseOrder, workOrder, inventory, ...',
    '<operation>': 'create, update, ...',
  },
  options: { json: JSON_OPTION },
  examples: ['MAKINI_CONNECTIONS_FILE=deploy/connections.example.yaml makini-writes capabilities acme-sap purchaseOrder create'],
  env: ['MAKINI_CONNECTIONS_FILE (default: the demo connections of `npm start` on this machine, when it has run)'],
  async run(args, io) {
    const [connectionId, entity, operation] = positionals(args, ['<connectionId>', '<entity>', '<operation>']) as [string, string, string];
    const file = connectionsFileOf();
    if (!file)
      throw new CliUsageError(
        'MAKINI_CONNECTIONS_FILE is not set (and no `npm start` demo connections here): point it at the connections config',
      );
    try {
      printJson(io, capabilitiesOf({ connections: file, connectionId, entity, operation }));
      return 0;
    } catch (err) {
      if (!(err instanceof CapabilitiesError)) throw err;
      io.err(err.message);
      return err.reason === 'unknown-entity' || err.reason === 'unknown-operation' ? EXIT_USAGE : 1;
    }
  },
};
