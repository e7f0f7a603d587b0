// Finds the Temporal server and its SQL schema tool, built from Go modules at the version
// docker-compose.yml pins (temporalio/auto-setup:<version>), so the cluster `npm run cluster`
// runs and the one compose ships cannot drift apart. Built like the CLI (scripts/lib/temporal-cli.ts):
// `go install` into a cache folder outside the repo, once.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../node-ts.js';
import { isExecutable } from '../temporal-cli.js';

const SERVER_MODULE = 'go.temporal.io/server/cmd/server';
const SQL_TOOL_MODULE = 'go.temporal.io/server/cmd/tools/sql';
/** The compose service running Temporal; its image tag is the server version. */
const COMPOSE_TEMPORAL_SERVICE = 'temporal';

export interface TemporalServerBinaries {
  version: string;
  /** `server`: `server --config <dir> start --service <name>`. */
  server: string;
  /** `sql` (temporal-sql-tool): creates the databases and their schema. */
  sqlTool: string;
}

/** `v1.29.1` from `image: temporalio/auto-setup:1.29.1` of the compose file's Temporal service. */
export function composeServerVersion(composeFile = join(repoRoot, 'docker-compose.yml')): string {
  const compose = parseYaml(readFileSync(composeFile, 'utf8')) as { services?: Record<string, { image?: string }> };
  const image = compose.services?.[COMPOSE_TEMPORAL_SERVICE]?.image ?? '';
  const tag = /^temporalio\/(?:auto-setup|server):(\d+\.\d+\.\d+)$/.exec(image)?.[1];
  if (!tag) {
    throw new Error(
      `${composeFile}: service "${COMPOSE_TEMPORAL_SERVICE}" has image "${image}"; expected temporalio/auto-setup:<x.y.z> (the server version to build)`,
    );
  }
  return `v${tag}`;
}

/** Folder where the built server is cached across clones (never inside the repo). */
export function serverCacheDir(version: string): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'makini-writes', `temporal-server-${version}`);
}

/** The cached binaries of the pinned version, or undefined when one is missing. */
export function findTemporalServer(version = composeServerVersion()): TemporalServerBinaries | undefined {
  const dir = serverCacheDir(version);
  const found = { version, server: join(dir, 'server'), sqlTool: join(dir, 'sql') };
  return isExecutable(found.server) && isExecutable(found.sqlTool) ? found : undefined;
}

/** Finds the server and schema tool or builds both into the cache; throws naming what failed. */
export function ensureTemporalServer(log: (msg: string) => void = console.log): TemporalServerBinaries {
  const version = composeServerVersion();
  const found = findTemporalServer(version);
  if (found) return found;
  const dir = serverCacheDir(version);
  mkdirSync(dir, { recursive: true });
  const modules = [`${SERVER_MODULE}@${version}`, `${SQL_TOOL_MODULE}@${version}`];
  log(`[cluster] Temporal server ${version} not built yet; go install ${modules.join(' ')} into ${dir}`);
  log('[cluster] a first build compiles for about 10 minutes (less when the Temporal CLI was built before); later runs reuse it');
  const r = spawnSync('go', ['install', ...modules], { env: { ...process.env, GOBIN: dir }, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error)
    throw new Error(`cannot run go (${r.error.message}): install Go 1.23 or newer (https://go.dev/dl/) to build the Temporal server`);
  if (r.status !== 0) {
    throw new Error(
      `go install ${modules.join(' ')} failed (exit ${r.status}); check \`go env GOPROXY GOSUMDB GOFLAGS\` and the output above`,
    );
  }
  const built = findTemporalServer(version);
  if (!built) throw new Error(`go install succeeded but ${join(dir, 'server')} or ${join(dir, 'sql')} is missing`);
  log(`[cluster] built ${built.server} and ${built.sqlTool}`);
  return built;
}
