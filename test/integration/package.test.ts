// The package as a backend team installs it: `npm run build`, `npm pack`, the tarball installed
// into a project of its own outside this repo (nothing there resolves to the repo's node_modules
// or src/), a TypeScript service compiled with plain tsc and run with plain node, no tsx. The
// service embeds the production worker from `makini-writes/worker` (the SDK bundles the compiled
// dist/workflows/index.js) and creates a purchase order with `makini-writes/client` against the
// sandbox of this test. The types flow: a variant with a wrong field does not compile.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWorkflowId, type CreatePurchaseOrderResult } from '../../src/client/index.js';
import { temporalAddress, temporalNamespace } from '../support/temporal.js';
import { startWriteStack, type WriteStackWithoutWorker } from '../support/write-stack.js';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  files: string[];
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
};
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** Runs a command to its end without blocking this process (the sandbox answers from it). */
function run(
  command: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<{ code: number | null; stdout: string; output: string }> {
  return new Promise((resolve, reject) => {
    // Plain node: no loader (tsx) inherited through NODE_OPTIONS.
    const child = spawn(command, args, { cwd: opts.cwd, env: { ...(opts.env ?? process.env), NODE_OPTIONS: '' } });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      output += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      output += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, output });
    });
  });
}

async function mustRun(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }) {
  const r = await run(command, args, opts);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}:\n${r.output}`);
  return r;
}

/**
 * A lockfile of the package's production dependencies at exactly the versions of this repo's
 * lockfile (what its tests ran), so that `npm ci --offline` installs them from npm's cache.
 */
function dependenciesLockfile(): object {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; resolved?: string; dev?: boolean; link?: boolean; name?: string }>;
  };
  const packages: Record<string, object> = { '': { name: 'consumer', dependencies: pkg.dependencies } };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path || entry.dev || entry.link) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    // The lockfile leaves `resolved` out (scripts/complete-lockfile.mjs); the registry's tarball URL.
    const resolved = entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    packages[path] = { ...entry, resolved };
  }
  return { name: 'consumer', lockfileVersion: 3, requires: true, packages };
}

/** An npm command from the cache (offline), else with the registry for what the cache lacks. */
async function npmFromCache(args: string[], cwd: string) {
  const offline = await run('npm', [...args, '--offline', '--no-audit', '--no-fund'], { cwd, timeoutMs: 150_000 });
  if (offline.code !== 0) await mustRun('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund'], { cwd, timeoutMs: 150_000 });
}

/** The backend service: embeds the worker, creates a PO, prints what it got. `wrong`: a result field that does not exist, a quantity as text. */
function serviceSource(wrong: boolean): string {
  return `import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startCreatePurchaseOrder, type CreatePurchaseOrderInput } from 'makini-writes/client';
import { createProductionWorker, type ConnectionsFile } from 'makini-writes/worker';

interface Config {
  address: string;
  namespace: string;
  taskQueue: string;
  makiniBaseUrl: string;
  connections: ConnectionsFile;
  env: Record<string, string>;
  connectionId: string;
  idempotencyKey: string;
}
const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Config;

Runtime.install({ logger: new DefaultLogger('WARN') });
const workerConnection = await NativeConnection.connect({ address: config.address });
// The activities' dependencies, injected: Makini's URL, the connections, where their tokens are read.
const { worker } = await createProductionWorker({
  connection: workerConnection,
  namespace: config.namespace,
  taskQueue: config.taskQueue,
  settings: { MAKINI_BASE_URL: config.makiniBaseUrl, MAKINI_REQUEST_TIMEOUT_MS: 10_000 },
  connections: config.connections,
  env: config.env,
});
const running = worker.run();

const connection = await Connection.connect({ address: config.address });
const client = new Client({ connection, namespace: config.namespace });
const input: CreatePurchaseOrderInput = {
  connectionId: config.connectionId,
  idempotencyKey: config.idempotencyKey,
  purchaseOrder: {
    vendorKey: 'V-100',
    siteKey: '1000',
    currencyKey: 'EUR',
    lineItems: [
      { materialKey: 'mat-1', quantity: ${wrong ? "'20'" : '20'}, price: 4.2 },
      { materialKey: 'mat-2', quantity: 10, price: 2.75 },
    ],
  },
};
try {
  const handle = await startCreatePurchaseOrder(client, input, { taskQueue: config.taskQueue });
  const result = await handle.result();
  const lines: number = result.${wrong ? 'lineItemKeyz' : 'lineItemKeys'}.length;
  console.log(JSON.stringify({ purchaseOrderKey: result.purchaseOrderKey, lines, workflowId: handle.workflowId }));
} finally {
  worker.shutdown();
  await running;
  await workerConnection.close();
  await connection.close();
}
`;
}

describe('the npm package (makini-writes/client, makini-writes/worker)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'makini-writes-package-'));
  const stage = join(dir, 'package');
  const app = join(dir, 'consumer');
  let packed: { filename: string; integrity: string; files: { path: string }[] };
  let stack: WriteStackWithoutWorker;
  /** `tsc -p tsconfig.json` of the consumer project (plain tsc, the repo's TypeScript). */
  let compiled: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    // The package: `npm run build` into a folder of this test (a concurrent run never packs a
    // half-written dist/), then `npm pack` of package.json and what its "files" name.
    const packing = (async () => {
      await mustRun('npm', ['run', 'build', '--', '--outDir', join(stage, 'dist')], { cwd: root, timeoutMs: 150_000 });
      cpSync(join(root, 'package.json'), join(stage, 'package.json'));
      for (const entry of pkg.files.filter((f) => f !== 'dist')) cpSync(join(root, entry), join(stage, entry), { recursive: true });
      // --ignore-scripts: prepack (a clean build in place) is what the build above did, into the staged dist/.
      const pack = await mustRun('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: stage });
      return (JSON.parse(pack.stdout) as (typeof packed)[])[0]!;
    })();
    // Meanwhile the consumer project gets the package's dependencies (the very set installing the
    // tarball pulls in, at the repo's locked versions), the sandbox starts, and a client.
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: pkg.dependencies }),
    );
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify(dependenciesLockfile()));
    const [packResult, stackStarted] = await Promise.all([
      packing,
      startWriteStack({ taskQueuePrefix: 'pkg', connections: [{ id: 'pkg-sap', system: 'sap' }], worker: false }),
      npmFromCache(['ci'], app),
    ]);
    packed = packResult;
    stack = stackStarted;
    // The tarball as a dependency, as a backend team adds it.
    await npmFromCache(['install', `../${packed.filename}`], app);

    const compilerOptions = {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      skipLibCheck: true,
      outDir: 'out',
      // A service has @types/node; this one borrows the repo's.
      typeRoots: [join(root, 'node_modules', '@types')],
      types: ['node'],
    };
    // One program, both files (the types load once): service.ts must have no error, wrong.ts exactly its two.
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['service.ts', 'wrong.ts'] }));
    writeFileSync(join(app, 'service.ts'), serviceSource(false));
    writeFileSync(join(app, 'wrong.ts'), serviceSource(true));
    compiled = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app });
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('packs the compiled code with declarations, the built-in profiles and the bin; no sources, tests or sandbox', () => {
    const paths = packed.files.map((f) => f.path);
    for (const path of [
      'package.json',
      'README.md',
      'dist/client/index.js',
      'dist/client/index.d.ts',
      'dist/composition/index.js',
      'dist/composition/index.d.ts',
      'dist/worker.js',
      'dist/workflows/index.js',
      'dist/workflows/shared-modules.js',
      'dist/codec/workflow/failure-converter.js',
      'dist/cli/main.js',
      'profiles/sap.yaml',
      'scripts/makini-writes.mjs',
    ])
      expect(paths, path).toContain(path);
    const allowed = /^(package\.json|README\.md|scripts\/makini-writes\.mjs|dist\/.+\.(js|d\.ts)|profiles\/.+)$/;
    expect(paths.filter((p) => !allowed.test(p))).toEqual([]);
    expect(paths.some((p) => p.endsWith('.test.js'))).toBe(false);
  });

  it('types flow to the service: it compiles with plain tsc; a wrong result field or input type does not', () => {
    const errors = compiled.output.split('\n').filter((l) => /error TS\d+/.test(l));
    expect(
      errors.filter((e) => !e.startsWith('wrong.ts(')),
      compiled.output,
    ).toEqual([]);
    expect(errors, compiled.output).toEqual([
      expect.stringMatching(/^wrong\.ts\(\d+,\d+\): error TS\d+: Type 'string' is not assignable to type 'number'/),
      expect.stringMatching(/^wrong\.ts\(\d+,\d+\): error TS\d+: Property 'lineItemKeyz' does not exist/),
    ]);
    expect(compiled.code).not.toBe(0);
    // tsc writes the JavaScript of a file without errors all the same.
    expect(readFileSync(join(app, 'out', 'service.js'), 'utf8')).toContain("from 'makini-writes/client'");
  });

  it('runs compiled under plain node: the embedded worker and the client create the PO; the worker process and the CLI start', async () => {
    const idempotencyKey = `pkg-${Date.now().toString(36)}`;
    const config = {
      address: temporalAddress(),
      namespace: temporalNamespace(),
      taskQueue: stack.taskQueue,
      makiniBaseUrl: stack.sb.sandbox.url,
      connections: stack.sb.connections,
      env: stack.sb.env,
      connectionId: 'pkg-sap',
      idempotencyKey,
    };
    writeFileSync(join(app, 'config.json'), JSON.stringify(config));
    const installed = join(app, 'node_modules', 'makini-writes');
    const [service, workerProcess, cli] = await Promise.all([
      run(process.execPath, ['out/service.js', 'config.json'], { cwd: app, timeoutMs: 100_000 }),
      // The worker process as the Docker image runs it; a bad setting stops it at once, named.
      run(process.execPath, [join(installed, 'dist', 'worker.js')], {
        cwd: app,
        env: { ...process.env, MAKINI_REQUEST_TIMEOUT_MS: 'soon' },
      }),
      run(join(app, 'node_modules', '.bin', 'makini-writes'), ['--help'], { cwd: app }),
    ]);

    expect(service.code, service.output).toBe(0);
    const printed = JSON.parse(service.stdout.trim().split('\n').at(-1)!) as {
      purchaseOrderKey: string;
      lines: number;
      workflowId: string;
    };
    expect(printed.workflowId).toBe(writeWorkflowId('createPurchaseOrder', 'pkg-sap', idempotencyKey));
    expect(printed.lines).toBe(2);
    const result = (await stack.client.workflow.getHandle(printed.workflowId).result()) as CreatePurchaseOrderResult;
    expect(result.purchaseOrderKey).toBeTruthy();
    expect(printed.purchaseOrderKey).toBe(result.purchaseOrderKey);
    expect(result.lineItemKeys).toHaveLength(2);

    expect(workerProcess.code, workerProcess.output).toBe(2);
    expect(workerProcess.output).toContain('MAKINI_REQUEST_TIMEOUT_MS');
    expect(cli.code, cli.output).toBe(0);
    expect(cli.output).toContain('makini-writes');
    // tsx and esbuild are dev dependencies: installing the package brings neither, and all of the
    // above (the bin scripts/makini-writes.mjs included) ran without them.
    for (const runner of ['tsx', 'esbuild'])
      expect(existsSync(join(app, 'node_modules', runner)), `${runner} came with the package`).toBe(false);
  }, 150_000);
});
