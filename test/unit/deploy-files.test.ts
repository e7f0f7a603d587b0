// The Docker deployment stays true to the code. No Docker engine exists where this project is
// developed, so docker-compose.yml, the Dockerfile and the files under deploy/ are checked by
// reading them: the worker gets settings it really reads, with values it accepts; the Temporal
// server gets the dev server's dynamic config; every search attribute the code sets is
// registered; the image contains every file the worker and the sandbox load.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FAIRNESS_DYNAMIC_CONFIG } from '../../scripts/lib/dev-server.js';
import { DEMO_CONNECTIONS } from '../../scripts/lib/demo-connections.js';
import { parseConnections } from '../../src/config/connections.js';
import { settingsSchema } from '../../src/config/settings.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/observability/search-attributes.js';
import { BUILTIN_PROFILES_DIR, loadBuiltinProfiles } from '../../src/profiles/load-profiles.js';
import { effectiveProfile } from '../../src/profiles/overrides.js';
import { metricsBindAddress, readStartup } from '../../src/worker/main.js';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  profiles?: string[];
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
}
const compose = parseYaml(read('docker-compose.yml')) as { services: Record<string, Service> };
const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
};
const worker = service('worker');
const init = service('temporal-init');
const temporal = service('temporal');

/** Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}` and `$$`, against `env`. */
function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (match, name: string, op?: string, arg?: string) => {
    if (match === '$$') return '$';
    const value = env[name];
    const unset = op?.startsWith(':') ? !value : value === undefined;
    if (op?.endsWith('?') && unset) throw new Error(`\${${name}} is required: ${arg}`);
    if (op?.endsWith('-') && unset) return arg ?? '';
    return value ?? '';
  });
}

/** A Docker env file: KEY=VALUE lines, `#` comments, optional quotes. */
function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const eq = line.indexOf('=');
      if (eq <= 0) throw new Error(`env file line without KEY=: ${line}`);
      return [line.slice(0, eq), line.slice(eq + 1).replace(/^(['"])(.*)\1$/, '$2')] as const;
    });
  return Object.fromEntries(entries);
}

/** Bind mounts of a service: container path → repo-relative source. */
function bindMounts(s: Service): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const v of s.volumes ?? []) {
    const [source, target] = v.split(':');
    if (source?.startsWith('./') && target) mounts.set(target, source.slice(2));
  }
  return mounts;
}

/** The worker's environment as its containers get it: compose defaults, then the env file example. */
function workerEnv(hostEnv: Record<string, string> = {}): Record<string, string> {
  const fromCompose = Object.fromEntries(Object.entries(worker.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), hostEnv)]));
  const fromFile = parseEnvFile(read('deploy/worker.env.example'));
  return { ...fromFile, ...fromCompose }; // `environment` wins over `env_file` in compose
}

const ENVCONFIG_NAME = /^TEMPORAL_(ADDRESS|NAMESPACE|API_KEY|PROFILE|TLS(_[A-Z_]+)?)$/;
const settingNames = new Set(Object.keys(settingsSchema.shape));
const isWorkerSetting = (name: string) => settingNames.has(name) || ENVCONFIG_NAME.test(name);

describe('docker-compose.yml: worker service', () => {
  it('sets only settings the worker reads (src/config/settings.ts or @temporalio/envconfig)', () => {
    const names = Object.keys(worker.environment ?? {});
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(isWorkerSetting(name), `${name} is read by nothing`).toBe(true);
  });

  it('starts: its settings and the mounted connections file pass the worker start-up checks', () => {
    const mounts = bindMounts(worker);
    const hostEnvs: Record<string, string>[] = [{}, { MAKINI_BASE_URL: 'http://sandbox:8787' }];
    for (const hostEnv of hostEnvs) {
      const env = workerEnv(hostEnv);
      const inContainer = env.MAKINI_CONNECTIONS_FILE!;
      const source = mounts.get(inContainer);
      expect(source, `MAKINI_CONNECTIONS_FILE ${inContainer} is not mounted`).toBeDefined();
      const { settings, connections } = readStartup({ ...env, MAKINI_CONNECTIONS_FILE: join(root, source!) });
      expect(settings.MAKINI_BASE_URL).toBe(hostEnv.MAKINI_BASE_URL ?? 'https://api.makini.io');
      expect(connections.connections.length).toBeGreaterThan(0);
    }
  });

  it('reaches the compose Temporal server, on the namespace temporal-init prepares', () => {
    const env = workerEnv();
    const { connectionOptions, namespace } = loadClientConnectConfig({ overrideEnvVars: env, disableFile: true });
    const [host, port] = (connectionOptions.address ?? '').split(':');
    expect(compose.services).toHaveProperty(host!);
    expect(port).toBe('7233');
    expect(interpolate(init.environment!.TEMPORAL_ADDRESS!, {})).toBe(connectionOptions.address);
    // The same variable names the namespace everywhere, so overriding it moves them together.
    const raw = worker.environment!.TEMPORAL_NAMESPACE;
    expect(init.environment!.TEMPORAL_NAMESPACE).toBe(raw);
    expect(temporal.environment!.DEFAULT_NAMESPACE).toBe(raw);
    expect(service('temporal-ui').environment!.TEMPORAL_DEFAULT_NAMESPACE).toBe(raw);
    expect(namespace).toBe('default');
    expect(interpolate(raw!, { TEMPORAL_NAMESPACE: 'prod' })).toBe('prod');
  });

  it('serves metrics to the compose network on the port it exposes (the worker alone binds loopback)', () => {
    const { settings } = readStartup({ ...workerEnv(), MAKINI_CONNECTIONS_FILE: undefined });
    expect(settings.METRICS_PORT).toBeDefined();
    expect((worker as Service & { expose?: string[] }).expose).toContain(String(settings.METRICS_PORT));
    // Another container (Prometheus) scrapes worker:<port>: loopback would answer nobody.
    expect(metricsBindAddress(settings)).toBe(`0.0.0.0:${settings.METRICS_PORT}`);
    expect(metricsBindAddress(readStartup({ METRICS_PORT: '9464' }).settings)).toBe('127.0.0.1:9464');
  });

  it('runs several replicas, and keeps secrets out of the compose file', () => {
    expect(worker.deploy?.replicas ?? 1).toBeGreaterThanOrEqual(2);
    expect(worker.environment).not.toHaveProperty('MAKINI_WRITES_ENCRYPTION_KEYS');
    expect(worker.environment).not.toHaveProperty('TEMPORAL_API_KEY');
    // Every password in the file is a required variable, never a literal.
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (/PASSWORD|PWD|SECRET|TOKEN|API_KEY/.test(key)) expect(String(value), `${name}.${key}`).toMatch(/^\$\{[A-Z_]+:\?[^}]+\}$/);
      }
    }
    for (const file of worker.env_file ?? []) {
      expect(read('.gitignore').split('\n'), `${file} must be gitignored`).toContain(file);
      expect(existsSync(join(root, `${file}.example`)), `${file}.example`).toBe(true);
    }
  });
});

describe('deploy/worker.env.example', () => {
  const named = (name: string) => new RegExp(`^#?\\s*${name}=`, 'm').test(read('deploy/worker.env.example'));
  /** Read by the webhook receiver only (`npm run webhooks`), which the compose file does not run. */
  const receiverOnly = (name: string) => name.startsWith('MAKINI_WEBHOOK_');

  it('with the compose file, covers every worker setting: a new setting is placed in one of them', () => {
    const inCompose = new Set(Object.keys(worker.environment ?? {}));
    const missing = [...settingNames].filter((name) => !receiverOnly(name) && !inCompose.has(name) && !named(name));
    expect(missing, 'set these in docker-compose.yml (worker environment) or name them in deploy/worker.env.example').toEqual([]);
  });

  const env = parseEnvFile(read('deploy/worker.env.example'));
  const connections = parseConnections(read('deploy/connections.example.yaml'), 'deploy/connections.example.yaml').connections;
  const tokenVars = new Set(connections.flatMap((c) => ('env' in c.token ? [c.token.env] : [])));

  it('sets only settings and token variables of the connections example', () => {
    expect(env).toHaveProperty('MAKINI_WRITES_ENCRYPTION_KEYS');
    for (const name of Object.keys(env)) {
      expect(isWorkerSetting(name) || tokenVars.has(name), `${name} is read by nothing`).toBe(true);
    }
  });

  it('holds the sandbox tokens of the demo connections, so the sandbox profile authenticates', () => {
    for (const demo of DEMO_CONNECTIONS) expect(env[demo.tokenEnv], demo.tokenEnv).toBe(demo.token);
  });
});

describe('deploy/connections.example.yaml', () => {
  const file = parseConnections(read('deploy/connections.example.yaml'), 'deploy/connections.example.yaml');

  it('is accepted by the worker, overrides included', () => {
    const builtins = loadBuiltinProfiles();
    for (const c of file.connections) {
      expect(() => effectiveProfile(builtins, c.system ?? 'generic', c.overrides, c.id)).not.toThrow();
    }
  });

  it('lists every sandbox demo connection with its system and token variable', () => {
    for (const demo of DEMO_CONNECTIONS) {
      expect(file.connections).toContainEqual({ id: demo.id, system: demo.system, token: { env: demo.tokenEnv } });
    }
  });
});

describe('temporal-init: search attributes', () => {
  const cliType: Record<string, string> = {
    KEYWORD: 'Keyword',
    TEXT: 'Text',
    INT: 'Int',
    DOUBLE: 'Double',
    BOOL: 'Bool',
    DATETIME: 'Datetime',
    KEYWORD_LIST: 'KeywordList',
  };

  it('registers exactly the search attributes of src/observability/search-attributes.ts, with their types', () => {
    const expected = ALL_SEARCH_ATTRIBUTES.map((sa) => `${sa.name}=${cliType[sa.type]}`);
    expect([...(init.command ?? [])].sort()).toEqual([...expected].sort());
  });

  it('runs the mounted registration script', () => {
    const script = init.entrypoint?.at(-1);
    const source = bindMounts(init).get(script!);
    expect(source, `${script} is not mounted`).toBeDefined();
    expect(read(source!)).toContain('temporal operator search-attribute create');
  });
});

describe('deploy/temporal/dynamic-config.yaml', () => {
  it('is mounted where DYNAMIC_CONFIG_FILE_PATH points', () => {
    const path = temporal.environment!.DYNAMIC_CONFIG_FILE_PATH!;
    expect(bindMounts(temporal).get(path.startsWith('/') ? path : `/etc/temporal/${path}`)).toBe('deploy/temporal/dynamic-config.yaml');
  });

  it('gives the compose server the dynamic config the dev server gets (fairness)', () => {
    const doc = parseYaml(read('deploy/temporal/dynamic-config.yaml')) as Record<string, { value: unknown; constraints?: object }[]>;
    const values = Object.fromEntries(
      Object.entries(doc).map(([key, entries]) => {
        expect(entries, key).toHaveLength(1);
        expect(entries[0]!.constraints ?? {}, `${key} applies everywhere`).toEqual({});
        return [key, entries[0]!.value];
      }),
    );
    expect(values).toEqual(FAIRNESS_DYNAMIC_CONFIG);
  });
});

describe('Dockerfile and .dockerignore', () => {
  const dockerfile = read('Dockerfile');
  /** Each stage's own COPY sources (not --from) and its base stage. */
  const stages = new Map<string, { base: string; copies: string[] }>();
  let current = '';
  for (const line of dockerfile.split('\n')) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.set((current = from[2] ?? from[1]!), { base: from[1]!, copies: [] });
    const copy = /^COPY\s+(?!--from)(.+)$/.exec(line);
    if (copy)
      stages.get(current)!.copies.push(
        ...copy[1]!
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
  }
  /** What an image of a stage holds: its own copies and its base stages'. */
  const copiedInto = (stage: string): string[] => {
    const s = stages.get(stage);
    return s ? [...copiedInto(s.base), ...s.copies] : [];
  };
  const copied = [...stages.values()].flatMap((s) => s.copies);
  const holds = (stage: string, file: string) =>
    copiedInto(stage).some((c) => file === c || file.startsWith(c.endsWith('/') ? c : `${c}/`));

  /** Every .ts file reachable by relative imports from `entry`. */
  function importGraph(entry: string, seen = new Set<string>()): Set<string> {
    if (seen.has(entry)) return seen;
    seen.add(entry);
    const text = read(entry);
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(root, resolve(root, dirname(entry), m[1]!)).replace(/\.js$/, '.ts');
      if (!existsSync(join(root, target))) throw new Error(`${entry}: import ${m[1]} not found`);
      importGraph(target, seen);
    }
    return seen;
  }

  it('runs the worker by default and the sandbox with the command of the sandbox service', () => {
    // The default target is the last stage: its CMD is what `docker run` of the image runs.
    const cmd = JSON.parse([...dockerfile.matchAll(/^CMD\s+(\[.*\])$/gm)].at(-1)![1]!) as string[];
    expect(cmd.at(-1)).toBe('src/worker/main.ts');
    expect([...stages.keys()].at(-1), 'the default target is the worker').toBe('worker');
    const sandbox = service('sandbox');
    expect(sandbox.profiles).toContain('sandbox');
    expect(sandbox.build?.target).toBe('sandbox');
    expect(worker.build?.target).toBe('worker');
    expect(sandbox.image).not.toBe(worker.image);
    expect(sandbox.command?.at(-1)).toBe('scripts/sandbox.ts');
    expect(worker.build?.dockerfile).toBe('Dockerfile');
    // Each sandbox variable the compose file sets is one scripts/sandbox.ts reads.
    for (const name of Object.keys(sandbox.environment ?? {})) expect(read('scripts/sandbox.ts')).toContain(`process.env.${name}`);
  });

  it('copies every module the worker and its workflows load into the worker image, and no sandbox', () => {
    const entries = ['src/worker/main.ts', 'src/worker/workflows.ts'];
    const files = new Set(entries.flatMap((e) => [...importGraph(e)]));
    expect(files.size).toBeGreaterThan(entries.length);
    for (const file of files) {
      expect(holds('worker', file), `${file} is not copied into the worker image`).toBe(true);
      expect(file.startsWith('sandbox/'), `the worker loads ${file}`).toBe(false);
    }
    expect(holds('worker', relative(root, BUILTIN_PROFILES_DIR)), 'built-in profiles').toBe(true);
    expect(holds('worker', 'sandbox/index.ts'), 'the sandbox is not in the worker image').toBe(false);
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
  });

  it('copies every module the sandbox loads, and its platform rules, into the sandbox image', () => {
    const files = importGraph('scripts/sandbox.ts');
    expect(files.size).toBeGreaterThan(1);
    for (const file of files) expect(holds('sandbox', file), `${file} is not copied into the sandbox image`).toBe(true);
    expect(holds('sandbox', 'data/makini/platform-validation.json'), 'sandbox platform rules').toBe(true);
  });

  it('lets exactly what it copies through the allow-list .dockerignore, never local secrets', () => {
    const lines = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(lines[0]).toBe('*');
    const allowed = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    for (const source of copied) {
      const path = source.replace(/\/$/, '');
      expect(allowed, `${source} is copied but excluded by .dockerignore`).toContain(path);
      expect(existsSync(join(root, path)), source).toBe(true);
    }
    for (const secret of ['.env', 'deploy/worker.env']) expect(allowed.some((a) => secret.startsWith(a))).toBe(false);
  });
});
