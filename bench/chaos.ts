// `npm run chaos [-- --writes 500 --seed 7 --kills 3 --timeout-minutes 40 --keep-server]`: the chaos run
// (bench/lib/chaos-run.ts): every write type through seeded faults on reads and writes, worker kills
// and a server restart, judged from the sandbox's state. Prints one summary table; exits 1 on any
// violation (including a fault kind the config enables that never hit a write). --keep-server
// leaves the Temporal server running at the end, to read the histories (`temporal workflow show`).
//
// `npm run chaos -- --cluster [--quick]`: the same on a Temporal cluster on PostgreSQL
// (scripts/lib/cluster/): 5,000 writes (--quick: 300) on 14 connections (2 of each: 4 systems, 3 passthrough dialects), three worker
// processes, 10 worker SIGKILLs (--quick: 3), one history host SIGKILLed and restarted, one
// PostgreSQL crash-restart. A full run that passes writes its summary into docs/benchmarks.md.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createProgressBar } from '../src/cli/progress.js';
import { composeServerVersion } from '../scripts/lib/cluster/server-build.js';
import { CLUSTER_CHAOS_CONNECTIONS } from './lib/chaos-plan.js';
import { chaosReportRows, formatChaosReport, runChaos, type ChaosOptions } from './lib/chaos-run.js';
import { machineInfo, machineTable, writeSection } from './lib/report.js';
import { markdownTable } from './lib/table.js';

const { values } = parseArgs({
  options: {
    writes: { type: 'string' },
    seed: { type: 'string', default: '7' },
    kills: { type: 'string' },
    'timeout-minutes': { type: 'string' },
    'keep-server': { type: 'boolean', default: false },
    cluster: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});
if (values.quick && !values.cluster) throw new Error('--quick is the bounded cluster run: use it with --cluster');
const cluster = values.cluster;
const quick = values.quick;
// Sizes by kind of run: dev server; cluster; cluster --quick.
const defaults = {
  writes: cluster ? (quick ? 300 : 5_000) : 500,
  kills: cluster ? (quick ? 3 : 10) : 3,
  'timeout-minutes': cluster ? (quick ? 20 : 120) : 40,
};
const num = (name: 'writes' | 'seed' | 'kills' | 'timeout-minutes') => {
  const raw = values[name] ?? String(defaults[name as keyof typeof defaults]);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${raw}"`);
  return n;
};

const options: ChaosOptions = {
  writes: num('writes'),
  seed: num('seed'),
  kills: num('kills'),
  restartServer: !cluster,
  ...(cluster && {
    cluster: { killHistoryHost: true, restartPostgres: true },
    workers: 3,
    connections: CLUSTER_CHAOS_CONNECTIONS,
  }),
  timeoutMs: num('timeout-minutes') * 60_000,
  keepServer: values['keep-server'],
  log: (line) => console.log(`[chaos] ${line}`),
  // On stderr: a redrawn bar on a terminal, a line now and then elsewhere.
  progress: createProgressBar({ label: 'chaos writes' }),
};
// Ctrl-C / SIGTERM: exit through process.exit, so that the run's exit handler SIGKILLs its worker
// and Temporal processes and stops PostgreSQL (a death by signal would run no handler at all).
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));
const command = ['npm run chaos', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
const machine = machineInfo();
const report = await runChaos(options);
console.log(`\n${formatChaosReport(report)}`);

if (cluster && !quick) {
  if (report.violations.length) {
    console.log('\n[chaos] not written to docs/benchmarks.md: the run has violations');
  } else {
    machine.loadEnd = loadavg()[0];
    machine.temporalCli = `Temporal server ${composeServerVersion()} (cluster of separate processes), PostgreSQL (system package)`;
    writeSection(
      'docs/benchmarks.md',
      'chaos-cluster',
      [
        '## Chaos on a Temporal cluster on PostgreSQL, with its parts failing',
        '',
        `One run of \`${command}\` (bench/chaos.ts; the cluster: scripts/lib/cluster/, as \`npm run cluster\` starts it). ` +
          'Every write type in chains per record on paced connections (PO creates also through the passthrough, one connection per dialect), through the sandbox seeded faults on reads and writes ' +
          '(5xx, commit-then-500/502/503/504, HTML and empty bodies, garbled 2xx, drops with and without commit, late answers, 429), ' +
          'while worker processes are SIGKILLed, one history host is SIGKILLed and started again and PostgreSQL is crash-restarted; ' +
          "then every write is judged from the sandbox's state and request log. Written by the command itself; `npm run bench` keeps this section.",
        '',
        machineTable(machine, command, report.elapsedMs),
        '',
        markdownTable(
          ['', ''],
          chaosReportRows(report).map(([k, v]) => [k.trim() === k ? k : `↳ ${k.trim()}`, v.replace(/\|/g, '\\|')]),
        ),
        '',
        `- Everything shares the machine's ${cpus().length} cores: PostgreSQL, the five Temporal processes, three worker processes, the sandbox and the service starting the writes.`,
        '- "every shard served after": from the disruption until a round of DescribeWorkflowExecution calls spread over all history shards is answered; "longest pause": the longest time between two write outcomes after it (until the next disruption, at most a minute).',
      ].join('\n'),
    );
    console.log('\n[chaos] summary written to docs/benchmarks.md (section chaos-cluster)');
  }
}
if (values['keep-server']) {
  // The kept server is this process's child: it lives until Ctrl-C.
  process.exitCode = report.violations.length ? 1 : 0;
  console.log('\n[chaos] the Temporal server stays up until Ctrl-C');
} else {
  process.exit(report.violations.length ? 1 : 0);
}
