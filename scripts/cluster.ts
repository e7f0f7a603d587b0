// `npm run cluster`: a Temporal server cluster on this machine, without Docker — PostgreSQL, then
// frontend, two history hosts, matching and worker as separate processes, with the compose file's
// dynamic config and search attributes (scripts/lib/cluster/). Data is kept across runs. Stays in
// the foreground; Ctrl-C stops every process it started.
//   TEMPORAL_PORT       frontend gRPC port (default 7233; the other services use ports around it)
//   POSTGRES_PORT       PostgreSQL's loopback port (default 5433, beside a system PostgreSQL on 5432)
//   MAKINI_CLUSTER_DIR  config, logs and data (default ~/.cache/makini-writes/cluster)
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TemporalCluster } from './lib/cluster/cluster.js';
import { portsAround } from './lib/cluster/ports.js';
import { NUM_HISTORY_SHARDS } from './lib/cluster/server-config.js';

const port = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1024 || n > 65_000)
    throw new Error(`${name} must be a port number from 1024 to 65000, got "${process.env[name]}"`);
  return n;
};
const ports = portsAround(port('TEMPORAL_PORT', 7233));
const dir = process.env.MAKINI_CLUSTER_DIR ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'makini-writes', 'cluster');

let cluster: TemporalCluster | undefined;
try {
  cluster = await TemporalCluster.start({ dir, ports, postgresPort: port('POSTGRES_PORT', 5433) });
} catch (err) {
  console.error(`[cluster] ${(err as Error).message}`);
  process.exit(1);
}
const hosts = cluster.processes
  .map((p) => `    ${p.spec.name.padEnd(10)} 127.0.0.1:${p.spec.ports.grpc}  pid ${p.pid}  log ${p.logFile}`)
  .join('\n');
console.log(`
Temporal cluster is running
  frontend        ${cluster.address} (namespace ${cluster.namespace}); e.g. TEMPORAL_ADDRESS=${cluster.address} npm run worker
  processes
${hosts}
  PostgreSQL      127.0.0.1:${cluster.postgres.port}, data ${cluster.postgres.dataDir}
  history shards  ${NUM_HISTORY_SHARDS}, over the two history hosts
  config          ${join(dir, 'config')} (dynamic config: deploy/temporal/dynamic-config.yaml)
Ctrl-C stops every process (the data stays for the next run).
`);
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.log('[cluster] stopping...');
    void cluster!.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`[cluster] ${(err as Error).message}`);
        process.exit(1);
      },
    );
  });
}
