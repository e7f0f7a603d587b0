// The machine a run happened on and the markdown file holding a run's tables.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/**
 * Sections another command writes into the same file (`npm run chaos -- --cluster`), between
 * `<!-- NAME:start -->` and `<!-- NAME:end -->`: `npm run bench` rewrites the file but keeps them.
 */
const KEPT_SECTIONS = ['chaos-cluster'] as const;
type SectionName = (typeof KEPT_SECTIONS)[number];

const sectionPattern = (name: SectionName) => new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->`);

function keptSection(text: string, name: SectionName): string | undefined {
  return sectionPattern(name).exec(text)?.[0];
}

/** Replaces section `name` of the markdown file at `path` with `body` (appended when the file has none yet). */
export function writeSection(path: string, name: SectionName, body: string): void {
  const block = `<!-- ${name}:start -->\n${body.trim()}\n<!-- ${name}:end -->`;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const next = keptSection(text, name) ? text.replace(sectionPattern(name), () => block) : `${text.trimEnd()}\n\n${block}\n`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, next);
}

export function writeReport(path: string, m: MachineInfo, command: string, elapsedMs: number, tables: BenchTable[]): void {
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const kept = KEPT_SECTIONS.flatMap((name) => keptSection(previous, name) ?? []);
  const text = [
    '# Benchmarks',
    '',
    'Every table below comes from ONE run of the command shown, on the machine shown: a real Temporal dev server ' +
      '(SQLite file), the production worker and workflows, and the Makini sandbox over loopback HTTP. ' +
      'The sources are in `bench/` (one module per benchmark, `bench/run.ts` runs them all). ' +
      'Reproduce with the same command; `npm run bench -- --quick` is a smoke version with small sizes, ' +
      '`npm run bench -- --help` lists the size flags.' +
      (kept.length ? ' The last section comes from its own command (`npm run chaos -- --cluster`), with its own machine table.' : ''),
    '',
    machineTable(m, command, elapsedMs),
    '',
    ...tables.flatMap((t) => [formatTable(t), '']),
    ...kept.flatMap((section) => [section, '']),
  ].join('\n');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
