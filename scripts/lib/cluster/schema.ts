// Creates the cluster's two databases and brings their schema to the server's version with the
// server's own schema tool (temporal-sql-tool, built with the server), as auto-setup does:
// create-database, setup-schema -v 0.0 (only the version tables), update-schema to the newest
// embedded schema. A rerun on an existing data directory only checks.
import { spawnSync } from 'node:child_process';
import { DATABASES, SQL_PLUGIN, type DatabaseAccess } from './server-config.js';

/** Embedded schema directories of the tool (go.temporal.io/server/schema). */
const SCHEMA_NAMES = { [DATABASES.main]: 'postgresql/v12/temporal', [DATABASES.visibility]: 'postgresql/v12/visibility' } as const;

export function setUpSchema(sqlTool: string, db: DatabaseAccess, log: (msg: string) => void): void {
  for (const [database, schemaName] of Object.entries(SCHEMA_NAMES)) {
    // The password goes by environment (SQL_PASSWORD), never on a command line `ps` shows.
    const env = {
      ...process.env,
      SQL_PLUGIN,
      SQL_HOST: db.host,
      SQL_PORT: String(db.port),
      SQL_USER: db.user,
      SQL_PASSWORD: db.password,
      SQL_DATABASE: database,
    };
    const tool = (args: string[]) => {
      const r = spawnSync(sqlTool, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { ok: r.status === 0, out: `${r.error?.message ?? ''}${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
    };
    // Each is idempotent: create-database answers 0 when the database exists (the postgres plugin
    // checks), setup-schema keeps a newer version, update-schema applies only what is missing.
    for (const args of [['create-database'], ['setup-schema', '-v', '0.0'], ['update-schema', '--schema-name', schemaName]]) {
      const r = tool(args);
      if (!r.ok) throw new Error(`temporal-sql-tool ${args.join(' ')} on ${database} failed: ${r.out.slice(-2000)}`);
    }
  }
  log(`[cluster] schema of ${Object.keys(SCHEMA_NAMES).join(' and ')} is up to date (${SQL_PLUGIN})`);
}
