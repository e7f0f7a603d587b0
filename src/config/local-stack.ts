// Where `npm start` keeps its data on this machine, so that the CLI run beside it finds the demo
// connections without MAKINI_CONNECTIONS_FILE (scripts/start.ts writes the file, the CLI reads it).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The data folder of `npm start`: MAKINI_WRITES_DATA_DIR, else `.data/` at the project's root. */
export function localDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MAKINI_WRITES_DATA_DIR ?? join(import.meta.dirname, '..', '..', '.data');
}

/** The connections file `npm start` writes for the sandbox's demo connections. */
export const localConnectionsFile = (env: NodeJS.ProcessEnv = process.env) => join(localDataDir(env), 'connections.sandbox.yaml');

/** MAKINI_CONNECTIONS_FILE, else the demo connections of a running `npm start`, else undefined. */
export function connectionsFileOf(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MAKINI_CONNECTIONS_FILE) return env.MAKINI_CONNECTIONS_FILE;
  const local = localConnectionsFile(env);
  return existsSync(local) ? local : undefined;
}
