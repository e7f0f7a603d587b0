// `capabilities <connectionId> <entity> <operation>`: prints what the connection accepts for that
// write as JSON Schema (required, writable, read-only fields, state rules). Reads the connections
// file named by MAKINI_CONNECTIONS_FILE; calls neither Temporal nor Makini.
import { capabilitiesOf, CapabilitiesError } from '../../profiles/connection-capabilities.js';
import { EXIT_USAGE, type CliCommand } from '../command.js';

export const capabilitiesCommand: CliCommand = {
  usage: 'capabilities <connectionId> <entity> <operation>   (JSON Schema; reads MAKINI_CONNECTIONS_FILE)',
  async run([connectionId, entity, operation]) {
    if (!connectionId || !entity || !operation) return EXIT_USAGE;
    const file = process.env.MAKINI_CONNECTIONS_FILE;
    if (!file) {
      console.error('MAKINI_CONNECTIONS_FILE is not set: point it at the connections config');
      return EXIT_USAGE;
    }
    try {
      console.log(JSON.stringify(capabilitiesOf({ connections: file, connectionId, entity, operation }), null, 2));
      return 0;
    } catch (err) {
      if (!(err instanceof CapabilitiesError)) throw err;
      console.error(err.message);
      return err.reason === 'unknown-entity' || err.reason === 'unknown-operation' ? EXIT_USAGE : 1;
    }
  },
};
