// The Docker deployment stays true to the code. No Docker engine exists where this project is
// developed, so docker-compose.yml, the Dockerfile and the files under deploy/ are checked by
// reading them: the worker gets settings it really reads, with values it accepts; the Temporal
// server gets the dev server's dynamic config; every search attribute the code sets is
// registered; the worker image holds every module the worker loads, compiled, with production
// dependencies only, and the sandbox image every file the sandbox loads.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { TEMPORAL_DYNAMIC_CONFIG } from '../../scripts/lib/dev-server.js';
import { DEMO_CONNECTIONS } from '../../scripts/lib/demo-connections.js';
import { parseConnections } from '../../src/config/connections.js';
import { settingsSchema } from '../../src/config/settings.js';
import { FAILURE_CONVERTER_PATH } from '../../src/codec/data-converter.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/observability/workflow/search-attributes.js';
import { BUILTIN_PROFILES_DIR, loadBuiltinProfiles } from '../../src/profiles/load-profiles.js';
import { effectiveProfile } from '../../src/profiles/overrides.js';
import { WORKFLOW_BUNDLE } from '../../src/composition/compose.js';
import { metricsBindAddress, readStartup } from '../../src/worker.js';

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
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string };
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

describe('docker-compose.yml: services', () => {
  it('pins every image it pulls to a version (no latest, no bare name); built images are local', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      expect(svc.image, `${name} has an image`).toBeDefined();
      if (svc.build) {
        expect(svc.image, `${name} is built here: a local tag`).toMatch(/:local$/);
        continue;
      }
      const tag = svc.image!.split(':')[1];
      expect(tag, `${name}: ${svc.image} names a version`).toMatch(/\d/);
      expect(tag).not.toBe('latest');
    }
  });

  it('gives every service another waits to be healthy a health check', () => {
    const awaited = Object.values(compose.services).flatMap((svc) =>
      Object.entries(svc.depends_on ?? {}).flatMap(([dep, c]) => (c.condition === 'service_healthy' ? [dep] : [])),
    );
    expect(awaited.length).toBeGreaterThan(0);
    for (const dep of awaited) expect(service(dep).healthcheck?.test, `${dep} has a health check`).toBeDefined();
  });
});

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

  it('registers exactly the search attributes of src/observability/workflow/search-attributes.ts, with their types', () => {
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

  it('gives the compose server the dynamic config the dev server gets (fairness, eager activities)', () => {
    const doc = parseYaml(read('deploy/temporal/dynamic-config.yaml')) as Record<string, { value: unknown; constraints?: object }[]>;
    const values = Object.fromEntries(
      Object.entries(doc).map(([key, entries]) => {
        expect(entries, key).toHaveLength(1);
        expect(entries[0]!.constraints ?? {}, `${key} applies everywhere`).toEqual({});
        return [key, entries[0]!.value];
      }),
    );
    expect(values).toEqual(TEMPORAL_DYNAMIC_CONFIG);
  });
});

describe('Dockerfile and .dockerignore', () => {
  const dockerfile = read('Dockerfile');
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; dependencies: Record<string, string> };

  /** What `npm run build` compiles (tsconfig.build.json, its `extends` included) and where it writes. */
  const build = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const rootDir = relative(root, build.options.rootDir!);
  const outDir = relative(root, build.options.outDir!);
  const compiled = new Set(build.fileNames.map((f) => relative(root, f)));
  /** The file `npm run build` writes for a source (src/worker.ts → dist/worker.js). */
  const compiledPath = (source: string) => join(outDir, relative(rootDir, source)).replace(/\.ts$/, '.js');
  /** The source a file of dist/ is compiled from, if it is one. */
  const sourceOf = (file: string): string | undefined => {
    const source = join(rootDir, relative(outDir, file)).replace(/(\.d)?\.ts$|\.js$/, '.ts');
    return compiled.has(source) ? source : undefined;
  };

  interface Stage {
    base: string;
    /** COPY sources from the build context (kept at the same path under WORKDIR). */
    copies: string[];
    /** COPY --from=<stage>: a path of another stage's image, under another path of this one. */
    fromCopies: { stage: string; source: string; target: string }[];
    runs: string[];
  }
  /** A path in the image, relative to WORKDIR (/app). */
  const inApp = (p: string) =>
    p
      .replace(/^\/app\/?/, '')
      .replace(/^\.\//, '')
      .replace(/\/$/, '');
  const stages = new Map<string, Stage>();
  let current = '';
  for (const line of dockerfile.split('\n')) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.set((current = from[2] ?? from[1]!), { base: from[1]!, copies: [], fromCopies: [], runs: [] });
    const workdir = /^WORKDIR\s+(\S+)/.exec(line);
    if (workdir) expect(workdir[1], 'every stage works in /app').toBe('/app');
    const fromCopy = /^COPY\s+--from=(\S+)\s+(\S+)\s+(\S+)$/.exec(line);
    if (fromCopy) stages.get(current)!.fromCopies.push({ stage: fromCopy[1]!, source: inApp(fromCopy[2]!), target: inApp(fromCopy[3]!) });
    const copy = /^COPY\s+(?!--from)(.+)$/.exec(line);
    if (copy)
      stages.get(current)!.copies.push(
        ...copy[1]!
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
    const run = /^RUN\s+(.+)$/.exec(line);
    if (run) stages.get(current)!.runs.push(run[1]!);
  }
  const copied = [...stages.values()].flatMap((s) => s.copies);
  const under = (file: string, dir: string) => file === dir || file.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
  /** Whether a stage runs `npm run build`, with what the compiler reads. */
  const compiles = (stage: string): boolean =>
    stages.get(stage)!.runs.some((r) => /\bnpm run build\b/.test(r)) &&
    holds(stage, 'tsconfig.build.json') &&
    holds(stage, 'tsconfig.json');
  /**
   * Whether the image of a stage holds a file: copied from the context, copied from another stage,
   * compiled in the stage by `npm run build` from a source it holds, or held by its base stage.
   */
  function holds(stage: string, file: string): boolean {
    const s = stages.get(stage);
    if (!s) return false;
    if (s.copies.some((c) => under(file, inApp(c)))) return true;
    if (s.fromCopies.some((f) => under(file, f.target) && holds(f.stage, f.source + file.slice(f.target.length)))) return true;
    const source = under(file, outDir) ? sourceOf(file) : undefined;
    if (source && compiles(stage) && holds(stage, source)) return true;
    return holds(s.base, file);
  }
  /** The stage a path of a stage's image was copied from (following base stages and COPY --from). */
  function origin(stage: string, path: string): string | undefined {
    const s = stages.get(stage);
    if (!s) return undefined;
    const f = s.fromCopies.find((c) => under(path, c.target));
    if (f) return origin(f.stage, f.source + path.slice(f.target.length)) ?? f.stage;
    return s.copies.some((c) => under(path, inApp(c))) ? stage : origin(s.base, path);
  }

  /** Every .ts file reachable by relative imports from `entry`, and the packages they import by value. */
  function importGraph(
    entry: string,
    seen = new Set<string>(),
    packages = new Set<string>(),
  ): { files: Set<string>; packages: Set<string> } {
    if (seen.has(entry)) return { files: seen, packages };
    seen.add(entry);
    const text = read(entry);
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(root, resolve(root, dirname(entry), m[1]!)).replace(/\.js$/, '.ts');
      if (!existsSync(join(root, target))) throw new Error(`${entry}: import ${m[1]} not found`);
      importGraph(target, seen, packages);
    }
    const byValue = [
      ...[...text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s*'([^'.][^']*)'/gms)].filter((m) => !m[1]).map((m) => m[2]!),
      ...[...text.matchAll(/\bimport\(\s*'([^'.][^']*)'\s*\)/g)].map((m) => m[1]!),
    ];
    for (const specifier of byValue) {
      if (specifier.startsWith('node:')) continue;
      packages.add(
        specifier
          .split('/')
          .slice(0, specifier.startsWith('@') ? 2 : 1)
          .join('/'),
      );
    }
    return { files: seen, packages };
  }
  /** The worker process, its workflows, and the modules it hands the SDK by path (bundle preloads, failure converter). */
  const workerGraph = () => {
    const byPath = [...WORKFLOW_BUNDLE.preloadModules, FAILURE_CONVERTER_PATH].map((p) => relative(root, p));
    const entries = ['src/worker.ts', 'src/workflows/index.ts', ...byPath];
    const files = new Set<string>();
    const packages = new Set<string>();
    for (const e of entries) importGraph(e, files, packages);
    return { entries, files, packages };
  };
  const commands = [...dockerfile.matchAll(/^CMD\s+(\[.*\])$/gm)];

  it('runs the compiled worker by default and the sandbox with the command of the sandbox service', () => {
    // The default target is the last stage: its CMD is what `docker run` of the image runs.
    const cmd = JSON.parse(commands.at(-1)![1]!) as string[];
    // Plain node on the compiled entry point: no loader, no TypeScript at run time.
    expect(cmd).toEqual(['node', compiledPath('src/worker.ts')]);
    expect(cmd.at(-1)).toBe('dist/worker.js');
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

  it('holds every module the worker and its workflows load, compiled, in the worker image: no TypeScript source, no sandbox', () => {
    const { entries, files } = workerGraph();
    expect(files.size).toBeGreaterThan(entries.length);
    for (const file of files) {
      expect(compiled.has(file), `${file} is not compiled by npm run build (tsconfig.build.json)`).toBe(true);
      expect(holds('worker', compiledPath(file)), `${compiledPath(file)} is not in the worker image`).toBe(true);
      expect(holds('worker', file), `the worker image holds the source ${file}`).toBe(false);
      expect(file.startsWith('sandbox/'), `the worker loads ${file}`).toBe(false);
    }
    // dist/profiles/load-profiles.js reads ../../profiles, as src/profiles/load-profiles.ts does.
    expect(relative(join(root, rootDir, 'profiles'), BUILTIN_PROFILES_DIR)).toBe(join('..', '..', 'profiles'));
    expect(holds('worker', relative(root, BUILTIN_PROFILES_DIR)), 'built-in profiles').toBe(true);
    // "type": "module": node loads dist/ as ES modules.
    expect(holds('worker', 'package.json'), 'package.json').toBe(true);
    expect(holds('worker', 'sandbox/index.ts'), 'the sandbox is not in the worker image').toBe(false);
    expect(holds('worker', compiledPath('src/composition/compose.ts')), 'compiled, not copied').toBe(true);
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
  });

  it('gives the worker production dependencies only, enough for every package it loads; the compiler stays in the build stage', () => {
    const { packages } = workerGraph();
    expect(packages.size).toBeGreaterThan(3);
    for (const name of packages) expect(pkg.dependencies, `the worker loads ${name}, a devDependency`).toHaveProperty(name);
    const deps = origin('worker', 'node_modules');
    expect(deps, 'node_modules of the worker image').toBeDefined();
    expect(
      stages.get(deps!)!.runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r)),
      `${deps} installs production dependencies only`,
    ).toBe(true);
    const compiler = origin('worker', 'dist');
    expect(compiler, 'dist/ of the worker image').toBeDefined();
    expect(compiles(compiler!), `${compiler} runs npm run build`).toBe(true);
    expect(pkg.scripts.build).toContain('tsconfig.build.json');
    expect(
      stages.get(compiler!)!.runs.some((r) => /\bnpm ci\b/.test(r) && !r.includes('--omit=dev')),
      `${compiler} has the dev dependencies`,
    ).toBe(true);
    expect(origin('worker', 'node_modules'), 'the build stage node_modules never reach the worker').not.toBe(compiler);
  });

  it('copies every module the sandbox loads, and its platform rules, into the sandbox image', () => {
    const { files } = importGraph('scripts/sandbox.ts');
    expect(files.size).toBeGreaterThan(1);
    for (const file of files) expect(holds('sandbox', file), `${file} is not copied into the sandbox image`).toBe(true);
    expect(holds('sandbox', 'data/makini/platform-validation.json'), 'sandbox platform rules').toBe(true);
  });

  it('pins every image it pulls to an exact version: no tag that floats within a major, a digest only as sha256', () => {
    // A tag such as `postgres:16` or `node:20-bookworm-slim` is moved to each new release.
    // PostgreSQL's versions have two numbers since 10 (16.13); the others have three.
    const exact = (name: string) => (name === 'postgres' ? /^\d+\.\d+(?:-[a-z0-9.]+)*$/ : /^v?\d+\.\d+\.\d+(?:[-.][A-Za-z0-9.]+)*$/);
    const pulled = [
      ...Object.entries(compose.services)
        .filter(([, s]) => !s.build)
        .map(([name, s]) => [`docker-compose.yml service ${name}`, s.image!] as const),
      ...[...stages.values()].filter((s) => !stages.has(s.base)).map((s) => ['Dockerfile FROM', s.base] as const),
    ];
    expect(pulled.length).toBeGreaterThanOrEqual(6);
    for (const [where, ref] of pulled) {
      const m = /^([a-z0-9./_-]+):([A-Za-z0-9._-]+)(?:@(.+))?$/.exec(ref);
      expect(m, `${where}: ${ref} names a tag`).not.toBeNull();
      const [, name, tag, digest] = m!;
      expect(tag, `${where}: ${ref} is pinned to an exact version`).toMatch(exact(name!));
      if (digest !== undefined) expect(digest, `${where}: ${ref}`).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    // The stages share one base image, so the build and the runtime run the same node.
    expect(new Set([...stages.values()].filter((s) => !stages.has(s.base)).map((s) => s.base)).size).toBe(1);
  });

  it('keeps tsx and esbuild out of the production dependencies and the worker image; the sandbox image gets them', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean }> };
    const runners = (path: string) => /(^|\/)node_modules\/(tsx|esbuild|@esbuild\/[^/]+)$/.test(path);
    expect(pkg.dependencies).not.toHaveProperty('tsx');
    expect(pkg.dependencies).not.toHaveProperty('esbuild');
    const found = Object.entries(lock.packages).filter(([path]) => runners(path));
    expect(found.length, 'the lockfile lists tsx and esbuild (dev dependencies)').toBeGreaterThan(2);
    // `dev: true`: needed by dev dependencies only, so `npm ci --omit=dev` (the worker image) leaves it out.
    for (const [path, entry] of found) expect(entry.dev, `${path} is installed by npm ci --omit=dev`).toBe(true);
    // The sandbox (a test double) runs its TypeScript with tsx: its node_modules come from a stage with the dev dependencies.
    expect(service('sandbox').command).toEqual(expect.arrayContaining(['--import', 'tsx']));
    const sandboxDeps = origin('sandbox', 'node_modules');
    expect(sandboxDeps, 'node_modules of the sandbox image').toBeDefined();
    expect(
      stages.get(sandboxDeps!)!.runs.some((r) => /\bnpm ci\b/.test(r) && !r.includes('--omit=dev')),
      `${sandboxDeps} installs the dev dependencies`,
    ).toBe(true);
    expect(origin('worker', 'node_modules'), 'the worker image keeps the production-only node_modules').not.toBe(sandboxDeps);
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
