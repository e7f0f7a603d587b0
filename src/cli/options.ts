// `--name value` and `--flag` options of CLI commands, checked against what a command takes.

export interface OptionSpec {
  /** Options taking a value (`--connection acme-sap`). */
  values: readonly string[];
  /** Options without a value (`--dry-run`). */
  flags: readonly string[];
}

export interface ParsedOptions {
  values: Record<string, string>;
  flags: Set<string>;
  positional: string[];
}

/** Thrown for an unknown option or a missing value, naming it. */
export class CliOptionError extends Error {
  override name = 'CliOptionError';
}

/** Parses `args`; `--name=value` works too. */
export function parseOptions(args: readonly string[], spec: OptionSpec): ParsedOptions {
  const out: ParsedOptions = { values: {}, flags: new Set(), positional: [] };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      out.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.flags.includes(name)) {
      if (inline !== undefined) throw new CliOptionError(`--${name} takes no value`);
      out.flags.add(name);
    } else if (spec.values.includes(name)) {
      const value = inline ?? args[i + 1];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new CliOptionError(`--${name} needs a value`);
      if (inline === undefined) i += 1;
      out.values[name] = value;
    } else {
      throw new CliOptionError(`unknown option --${name} (takes ${[...spec.values, ...spec.flags].map((o) => `--${o}`).join(', ')})`);
    }
  }
  return out;
}
