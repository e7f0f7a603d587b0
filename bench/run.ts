// `npm run bench [-- --quick] [-- --only overhead,history ...]`: every benchmark in ONE run on a
// fresh dev server, one table each on stdout and in docs/benchmarks.md (with machine and command).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { BENCHMARKS, BENCH_NAMES, QUICK_SIZES, DEFAULT_SIZES, sizeFlags, type BenchName, type BenchSizes } from './lib/suite.js';
import { BenchStack } from './lib/stack.js';
import { machineInfo, machineTable, writeReport } from './lib/report.js';
import { formatTable, type BenchTable } from './lib/table.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    'timeout-minutes': { type: 'string', default: '90' },
    help: { type: 'boolean', default: false },
    ...Object.fromEntries(Object.keys(sizeFlags).map((f) => [f, { type: 'string' as const }])),
  },
});

if (values.help) {
  console.log(`npm run bench [-- options]
  --quick              small sizes (smoke run); does not write docs/benchmarks.md unless --out is given
  --only a,b           run only these: ${BENCH_NAMES.join(', ')}
  --out FILE           where to write the tables (default docs/benchmarks.md; none with --quick)
  --timeout-minutes    give up (exit 1) when the whole run takes longer (default 90)
${Object.entries(sizeFlags)
  .map(([f, s]) => `  --${f.padEnd(19)}${s.help} (default ${s.get(DEFAULT_SIZES)}, quick ${s.get(QUICK_SIZES)})`)
  .join('\n')}`);
  process.exit(0);
}

const sizes: BenchSizes = structuredClone(values.quick ? QUICK_SIZES : DEFAULT_SIZES);
for (const [flag, spec] of Object.entries(sizeFlags)) {
  const raw = (values as Record<string, unknown>)[flag];
  if (typeof raw === 'string') spec.set(sizes, raw);
}
const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...BENCH_NAMES];
const unknown = only.filter((n) => !BENCH_NAMES.includes(n as BenchName));
if (unknown.length) {
  console.error(`unknown benchmark(s) ${unknown.join(', ')}; expected ${BENCH_NAMES.join(', ')}`);
  process.exit(2);
}
const out = values.out ?? (values.quick ? undefined : 'docs/benchmarks.md');
const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');

const timeoutMinutes = Number(values['timeout-minutes']);
if (!(timeoutMinutes > 0)) {
  console.error(`--timeout-minutes must be a positive number, got "${values['timeout-minutes']}"`);
  process.exit(2);
}
/** Set once the stack runs, for `abort`. */
const current: { stack?: BenchStack } = {};
/** Stops the dev server and worker processes (at most 15 s), then exits. */
function abort(reason: string, code: number): void {
  console.error(`[bench] ${reason}`);
  // Calls still in flight fail once their connections close: that is expected now.
  process.on('uncaughtException', () => undefined);
  process.on('unhandledRejection', () => undefined);
  const stopping = current.stack?.close() ?? Promise.resolve();
  void Promise.race([stopping, new Promise((r) => setTimeout(r, 15_000))]).finally(() => process.exit(code));
}
// A wedged benchmark (a worker that died, a result that never comes) must not hang CI forever.
setTimeout(() => abort(`gave up after ${timeoutMinutes} min`, 1), timeoutMinutes * 60_000).unref();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => abort(`${sig}: stopping`, 130));

const machine = machineInfo();
const started = performance.now();
const log = (line: string) => console.log(`[bench] ${line}`);
log(`${command} on ${machine.cpu} (${machine.cores} cores), load ${machine.loadStart.toFixed(2)}`);
const stack = await BenchStack.start({ log });
current.stack = stack;
const tables: BenchTable[] = [];
const failed: string[] = [];
try {
  for (const name of BENCH_NAMES.filter((n) => only.includes(n))) {
    const t = performance.now();
    log(`${name}...`);
    let table: BenchTable;
    try {
      table = await BENCHMARKS[name](stack, sizes);
    } catch (err) {
      // One broken benchmark must not cost the others' figures; the run still exits non-zero.
      failed.push(name);
      const message = err instanceof Error ? err.message : String(err);
      table = { title: `${name}: FAILED`, description: `This benchmark failed in this run: ${message}`, columns: [], rows: [], notes: [] };
      console.error(`[bench] ${name} failed: ${err instanceof Error ? err.stack : message}`);
    }
    log(`${name} done in ${((performance.now() - t) / 1000).toFixed(0)} s\n\n${formatTable(table)}\n`);
    tables.push(table);
  }
} finally {
  await stack.close();
}
machine.loadEnd = loadavg()[0]!;
const elapsedMs = performance.now() - started;
console.log(machineTable(machine, command, elapsedMs));
if (out) {
  writeReport(out, machine, command, elapsedMs, tables);
  log(`tables written to ${out}`);
}
if (failed.length) log(`FAILED: ${failed.join(', ')}`);
process.exit(failed.length ? 1 : 0);
