// The Temporal server's static config for each process of the cluster: PostgreSQL persistence and
// visibility (plugin postgres12, as auto-setup's DB=postgres12), every service on 127.0.0.1 with
// ports of its own, cluster membership through the database, and the dynamic config file the
// compose file mounts (deploy/temporal/dynamic-config.yaml), read in place.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { repoRoot } from '../node-ts.js';

/** The compose server's dynamic config: the one file both run with. */
export const DYNAMIC_CONFIG_FILE = join(repoRoot, 'deploy', 'temporal', 'dynamic-config.yaml');
/**
 * Fixed for the life of a cluster (stored with its first start). 8 shards over TWO history hosts:
 * each owns about half, and the survivor takes the other half over when one dies.
 */
export const NUM_HISTORY_SHARDS = 8;
/** The databases auto-setup creates, for history and for visibility. */
export const DATABASES = { main: 'temporal', visibility: 'temporal_visibility' } as const;
export const SQL_PLUGIN = 'postgres12';

export type ServiceName = 'frontend' | 'history' | 'matching' | 'worker';

export interface HostPorts {
  grpc: number;
  membership: number;
}

/** Every port of the cluster. Two history hosts, one of each other service. */
export interface ClusterPorts {
  frontend: HostPorts & { http: number };
  history: [HostPorts, HostPorts];
  matching: HostPorts;
  worker: HostPorts;
}

export interface DatabaseAccess {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** One OS process of the cluster: the service it runs and, for history, which of the two hosts. */
export interface ServiceProcessSpec {
  /** `frontend`, `history-1`, `history-2`, `matching`, `worker`. */
  name: string;
  service: ServiceName;
  ports: HostPorts;
}

export function processSpecs(ports: ClusterPorts): ServiceProcessSpec[] {
  return [
    { name: 'history-1', service: 'history', ports: ports.history[0] },
    { name: 'history-2', service: 'history', ports: ports.history[1] },
    { name: 'matching', service: 'matching', ports: ports.matching },
    { name: 'frontend', service: 'frontend', ports: ports.frontend },
    { name: 'worker', service: 'worker', ports: ports.worker },
  ];
}

/** The `--env` name: the server reads `<config dir>/<env>.yaml`. */
export const CONFIG_ENV = 'cluster';

/**
 * Writes the config of one process into `<configRoot>/<spec.name>/cluster.yaml` (mode 600: it
 * holds the database password) and returns the folder, for `server --root <configRoot> --config <name>`.
 */
export function writeServerConfig(configRoot: string, spec: ServiceProcessSpec, ports: ClusterPorts, db: DatabaseAccess): string {
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: SQL_PLUGIN,
      databaseName,
      connectAddr: `${db.host}:${db.port}`,
      connectProtocol: 'tcp',
      user: db.user,
      password: db.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (p: HostPorts, extra: Record<string, unknown> = {}) => ({
    rpc: { grpcPort: p.grpc, membershipPort: p.membership, bindOnIP: '127.0.0.1', ...extra },
  });
  const frontendAddress = `127.0.0.1:${ports.frontend.grpc}`;
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: NUM_HISTORY_SHARDS,
      datastores: {
        'postgres-default': store(DATABASES.main, 20),
        'postgres-visibility': store(DATABASES.visibility, 4),
      },
    },
    global: {
      // Each process finds the others through the cluster_membership table and joins them here.
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      pprof: { port: 0 },
    },
    services: {
      frontend: rpc(ports.frontend, { httpPort: ports.frontend.http }),
      // This process's own history host; the other one's ports are in its own file.
      history: rpc(spec.service === 'history' ? spec.ports : ports.history[0]),
      matching: rpc(ports.matching),
      worker: rpc(ports.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: frontendAddress } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: DYNAMIC_CONFIG_FILE, pollInterval: '10s' },
  };
  const dir = join(configRoot, spec.name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing folder's mode as it was.
  chmodSync(dir, 0o700);
  // A new file, 0600 from its first byte, renamed over the old one: writing into an existing file
  // would keep that file's mode (an earlier run's 0644) and the password would be readable.
  const file = join(dir, `${CONFIG_ENV}.yaml`);
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, `# Written by scripts/lib/cluster/server-config.ts at every start.\n${stringify(config)}`, {
      mode: 0o600,
      flag: 'wx',
    });
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  return dir;
}
