// Parses a command's arguments with node:util.parseArgs against its option table, with messages
// that name the problem: an unknown option (and the closest known one), a missing value, a value
// given to a flag. `-h` / `--help` is accepted by every command and wins over any other problem.
import { parseArgs } from 'node:util';
import { CliUsageError, type CliOptions, type ParsedArgs } from './command.js';

/** Edit distance, a swap of two neighbours counting as one edit (to suggest `--connection` for `--conection`). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known name closest to `name`, if it is close enough to be a typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = k.startsWith(name) && name.length >= 3 ? 0 : distance(name, k);
    if (d <= Math.max(1, Math.floor(k.length / 4)) && (!best || d < best.d)) best = { name: k, d };
  }
  return best?.name;
}

/** `args` parsed against `options`; `help` is set when `-h` or `--help` was given. Throws `CliUsageError`. */
export function parseCommandArgs(args: readonly string[], options: CliOptions): ParsedArgs & { help: boolean } {
  const spec = Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type }]));
  const withHelp = { ...spec, help: { type: 'boolean' as const, short: 'h' } };
  const { tokens } = parseArgs({ args: [...args], options: withHelp, strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return { help: true, values: {}, positionals: [] };
  const names = Object.keys(options);
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const o = options[t.name];
    if (!o) {
      const near = t.rawName.startsWith('--') ? closest(t.name, names) : undefined;
      const takes = names.length ? `takes ${names.map((n) => `--${n}`).join(', ')}` : 'takes no options';
      throw new CliUsageError(`unknown option ${t.rawName}${near ? `; did you mean --${near}?` : ''} (${takes})`);
    }
    if (o.type === 'boolean' && t.inlineValue) throw new CliUsageError(`--${t.name} takes no value`);
    if (o.type === 'string' && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-')))) {
      throw new CliUsageError(`--${t.name} needs a value${o.value ? ` (${o.value})` : ''}`);
    }
  }
  const { values, positionals } = parseArgs({ args: [...args], options: spec, strict: true, allowPositionals: true });
  return { help: false, values: values as ParsedArgs['values'], positionals };
}

/** Exactly `names.length` positionals (the optional ones, named `[x]`, may be left out); else a `CliUsageError` naming the missing one. */
export function positionals(a: ParsedArgs, names: readonly string[]): string[] {
  const required = names.filter((n) => !n.startsWith('['));
  if (a.positionals.length < required.length) throw new CliUsageError(`missing ${required[a.positionals.length]}`);
  if (a.positionals.length > names.length) throw new CliUsageError(`unexpected argument "${a.positionals[names.length]}"`);
  return a.positionals;
}
