// The machine a run happened on and the markdown file holding a run's tables.
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { dirname } from 'node:path';
import { TEMPORAL_CLI_VERSION } from '../../scripts/lib/temporal-cli.js';
import { formatTable, markdownTable, type BenchTable } from './table.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  os: string;
  temporalCli: string;
  date: string;
  /** 1-minute load average when the run started and ended (other work on the machine). */
  loadStart: number;
  loadEnd?: number;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${osType()} ${release()}`,
    temporalCli: `temporal ${TEMPORAL_CLI_VERSION} (dev server, SQLite file)`,
    date: new Date().toISOString(),
    loadStart: loadavg()[0]!,
  };
}

export function machineTable(m: MachineInfo, command: string, elapsedMs: number): string {
  const load = `${m.loadStart.toFixed(2)} at start, ${m.loadEnd?.toFixed(2) ?? '?'} at end (${m.cores} cores)`;
  return markdownTable(
    ['', ''],
    [
      ['command', `\`${command}\``],
      ['date', m.date],
      ['CPU', `${m.cpu}, ${m.cores} cores`],
      ['RAM', `${m.ramGiB} GiB`],
      ['Node.js', m.node],
      ['OS', m.os],
      ['Temporal', m.temporalCli],
      ['1-min load average', load],
      ['run took', `${(elapsedMs / 1000).toFixed(0)} s`],
    ],
  );
}

export function writeReport(path: string, m: MachineInfo, command: string, elapsedMs: number, tables: BenchTable[]): void {
  const text = [
    '# Benchmarks',
    '',
    'Every table below comes from ONE run of the command shown, on the machine shown: a real Temporal dev server ' +
      '(SQLite file), the production worker and workflows, and the Makini sandbox over loopback HTTP. ' +
      'The sources are in `bench/` (one module per benchmark, `bench/run.ts` runs them all). ' +
      'Reproduce with the same command; `npm run bench -- --quick` is a smoke version with small sizes, ' +
      '`npm run bench -- --help` lists the size flags.',
    '',
    machineTable(m, command, elapsedMs),
    '',
    ...tables.flatMap((t) => [formatTable(t), '']),
  ].join('\n');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
