// What `makini-writes --help` and `makini-writes <command> --help` print.
import type { CliCommand } from './command.js';

const TEMPORAL_ENV = [
  'TEMPORAL_ADDRESS (default localhost:7233; `npm start` runs a dev server there)',
  'TEMPORAL_NAMESPACE (default default)',
  'TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE (Temporal Cloud / TLS)',
  'TEMPORAL_TASK_QUEUE (default makini-writes)',
  'MAKINI_WRITES_ENCRYPTION_KEYS (the keys the workers use, when payloads are encrypted)',
];

const table = (rows: [string, string][], indent = '  ') => {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`).join('\n');
};

/** `usage: makini-writes <name> <positionals> [--option VALUE] [--flag]` */
export const usageLine = (c: CliCommand): string =>
  [
    `usage: makini-writes ${c.name}`,
    c.usage,
    ...Object.entries(c.options).map(([name, o]) => `[--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}]`),
  ]
    .filter(Boolean)
    .join(' ');

/** The help of one command: usage, description, arguments, options, examples, settings. */
export function commandHelp(c: CliCommand): string {
  const parts = [usageLine(c), '', c.summary];
  if (c.description) parts.push('', c.description);
  if (c.arguments && Object.keys(c.arguments).length) parts.push('', 'arguments:', table(Object.entries(c.arguments)));
  const options: [string, string][] = Object.entries(c.options).map(([name, o]) => [
    `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`,
    o.description,
  ]);
  options.push(['-h, --help', 'show this help']);
  parts.push('', 'options:', table(options));
  if (c.examples?.length) parts.push('', 'examples:', ...c.examples.map((e) => `  ${e}`));
  const env = [...(c.env ?? []), ...(c.temporal ? TEMPORAL_ENV : [])];
  if (env.length) parts.push('', 'environment:', ...env.map((e) => `  ${e}`));
  return parts.join('\n');
}

/** The list of commands. */
export function overallHelp(commands: readonly CliCommand[]): string {
  return [
    'makini-writes: durable writes to industrial systems through the Makini API, on Temporal',
    '',
    'usage: makini-writes <command> [arguments] [options]     (in this repository: npm run cli -- <command> ...)',
    '',
    'commands:',
    table(commands.map((c) => [c.name, c.summary])),
    '',
    'Run `makini-writes <command> --help` for its arguments, options and examples.',
    'Commands that print data take --json (one JSON document on stdout, for scripts).',
    'Exit codes: 0 done, 1 failed (or found a problem), 2 bad usage or input (nothing was done).',
    '',
    'environment (commands that talk to Temporal):',
    ...TEMPORAL_ENV.map((e) => `  ${e}`),
  ].join('\n');
}
