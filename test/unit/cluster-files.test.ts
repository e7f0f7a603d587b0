// `npm run cluster` and the compose file run the same Temporal: the server version comes from the
// compose image tag, each process's config points at the compose dynamic config file, the search
// attributes come from compose's temporal-init arguments, and the ports fit the cluster's rules.
// The cluster itself runs in `npm test`'s last stage (`npm run chaos -- --cluster --quick`).
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { composeSearchAttributeArgs } from '../../scripts/lib/cluster/cluster.js';
import { freeClusterPorts, portsAround } from '../../scripts/lib/cluster/ports.js';
import { composeServerVersion, serverCacheDir } from '../../scripts/lib/cluster/server-build.js';
import {
  DYNAMIC_CONFIG_FILE,
  NUM_HISTORY_SHARDS,
  processSpecs,
  writeServerConfig,
  type ClusterPorts,
} from '../../scripts/lib/cluster/server-config.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/observability/workflow/search-attributes.js';
import { CHAOS_CONNECTIONS, CLUSTER_CHAOS_CONNECTIONS, planChaos } from '../../bench/lib/chaos-plan.js';
import { machineInfo, writeReport, writeSection } from '../../bench/lib/report.js';

const root = join(import.meta.dirname, '..', '..');
const compose = parseYaml(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { image?: string }> };
const dir = mkdtempSync(join(tmpdir(), 'makini-writes-cluster-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const allPorts = (p: ClusterPorts) => [
  p.frontend.http,
  ...[p.frontend, ...p.history, p.matching, p.worker].flatMap((h) => [h.grpc, h.membership]),
];
const membershipPorts = (p: ClusterPorts) => [p.frontend, ...p.history, p.matching, p.worker].map((h) => h.membership);

describe('npm run cluster: the compose file Temporal', () => {
  it('builds the server version of the compose image tag, cached outside the repo', () => {
    const tag = compose.services.temporal!.image!.split(':')[1];
    expect(composeServerVersion()).toBe(`v${tag}`);
    expect(serverCacheDir('v1.29.1')).toMatch(/makini-writes[/\\]temporal-server-v1\.29\.1$/);
    expect(serverCacheDir('v1.29.1').startsWith(root)).toBe(false);
  });

  it('registers the search attributes of compose temporal-init, which are every one the code sets', () => {
    const names = composeSearchAttributeArgs().map((a) => a.split('=')[0]);
    expect(names.sort()).toEqual(ALL_SEARCH_ATTRIBUTES.map((sa) => sa.name).sort());
  });

  it('gives every process a config on PostgreSQL with the compose dynamic config, its own ports, and the password in a private file', () => {
    const ports = portsAround(7233);
    const db = { host: '127.0.0.1', port: 5433, user: 'temporal', password: 'not-a-real-one' };
    const specs = processSpecs(ports);
    expect(specs.map((s) => s.name)).toEqual(['history-1', 'history-2', 'matching', 'frontend', 'worker']);
    const historyPorts = new Set<number>();
    for (const spec of specs) {
      const file = join(writeServerConfig(dir, spec, ports, db), 'cluster.yaml');
      expect(statSync(file).mode & 0o077, `${file} is private`).toBe(0);
      const config = parseYaml(readFileSync(file, 'utf8')) as {
        persistence: { numHistoryShards: number; datastores: Record<string, { sql: { pluginName: string; connectAddr: string } }> };
        services: Record<string, { rpc: { grpcPort: number; membershipPort: number; bindOnIP: string } }>;
        dynamicConfigClient: { filepath: string };
      };
      expect(config.dynamicConfigClient.filepath).toBe(DYNAMIC_CONFIG_FILE);
      expect(DYNAMIC_CONFIG_FILE).toBe(join(root, 'deploy', 'temporal', 'dynamic-config.yaml'));
      expect(config.persistence.numHistoryShards).toBe(NUM_HISTORY_SHARDS);
      for (const store of Object.values(config.persistence.datastores)) {
        expect(store.sql.pluginName).toBe('postgres12');
        expect(store.sql.connectAddr).toBe('127.0.0.1:5433');
      }
      const own = config.services[spec.service]!.rpc;
      expect(own).toMatchObject({ grpcPort: spec.ports.grpc, membershipPort: spec.ports.membership, bindOnIP: '127.0.0.1' });
      if (spec.service === 'history') historyPorts.add(own.grpcPort);
    }
    expect(historyPorts.size, 'two history hosts on ports of their own').toBe(2);
    // More shards than hosts: each of the two owns some, and either can take them all.
    expect(NUM_HISTORY_SHARDS).toBeGreaterThanOrEqual(4);
  });

  it('keeps a cluster.yaml left readable by an earlier run private once the password is written into it', () => {
    const ports = portsAround(7233);
    const spec = processSpecs(ports)[0]!;
    const folder = join(dir, 'earlier-run');
    mkdirSync(join(folder, spec.name), { recursive: true, mode: 0o755 });
    const file = join(folder, spec.name, 'cluster.yaml');
    writeFileSync(file, '# an earlier, readable config\n', { mode: 0o644 });
    chmodSync(file, 0o644);
    writeServerConfig(folder, spec, ports, { host: '127.0.0.1', port: 5433, user: 'temporal', password: 'not-a-real-one' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(folder, spec.name)).mode & 0o077, 'its folder is private too').toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('not-a-real-one');
    expect(readdirSync(join(folder, spec.name)), 'no temp file left behind').toEqual(['cluster.yaml']);
  });

  it('uses distinct ports, membership ones below 32768 (a smallint in cluster_membership)', async () => {
    for (const ports of [portsAround(7233), await freeClusterPorts()]) {
      expect(new Set(allPorts(ports)).size).toBe(allPorts(ports).length);
      for (const p of membershipPorts(ports)) expect(p).toBeLessThan(32_768);
    }
    expect(() => portsAround(40_000)).toThrow(/below 32768/);
  });
});

describe('the cluster chaos run', () => {
  it('writes to six or more connections of several systems, each of them used', () => {
    expect(CLUSTER_CHAOS_CONNECTIONS.length).toBeGreaterThanOrEqual(6);
    expect(new Set(CLUSTER_CHAOS_CONNECTIONS.map((c) => c.id)).size).toBe(CLUSTER_CHAOS_CONNECTIONS.length);
    expect(new Set(CLUSTER_CHAOS_CONNECTIONS.map((c) => c.system)).size).toBeGreaterThanOrEqual(4);
    const plan = planChaos(300, 7, 'x', { connections: CLUSTER_CHAOS_CONNECTIONS });
    const used = new Set(plan.chains.map((c) => c.connectionId));
    for (const c of CLUSTER_CHAOS_CONNECTIONS) expect(used.has(c.id), c.id).toBe(true);
  });

  it('leaves the default plan as its seed made it (the CI chaos test relies on it)', () => {
    const shape = (p: ReturnType<typeof planChaos>) => p.chains.map((c) => [c.connectionId, c.writes.map((w) => w.role).join(',')]);
    expect(shape(planChaos(80, 7, 'x'))).toEqual(shape(planChaos(80, 7, 'x', { connections: CHAOS_CONNECTIONS })));
  });
});

describe('docs/benchmarks.md: the section npm run chaos -- --cluster writes', () => {
  it('is replaced by its command and kept when npm run bench rewrites the file', () => {
    const file = join(dir, 'benchmarks.md');
    writeFileSync(file, '# Benchmarks\n\nold tables\n');
    writeSection(file, 'chaos-cluster', '## Chaos on a cluster\n\nrun 1');
    writeSection(file, 'chaos-cluster', '## Chaos on a cluster\n\nrun 2');
    let text = readFileSync(file, 'utf8');
    expect(text).toContain('old tables');
    expect(text).toContain('run 2');
    expect(text).not.toContain('run 1');
    writeReport(file, machineInfo(), 'npm run bench', 1000, []);
    text = readFileSync(file, 'utf8');
    expect(text).not.toContain('old tables');
    expect(text.match(/<!-- chaos-cluster:start -->\n## Chaos on a cluster\n\nrun 2\n<!-- chaos-cluster:end -->/g)).toHaveLength(1);
  });
});
