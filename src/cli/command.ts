// The shape of one CLI command: what `--help` shows (summary, arguments, options, examples) and
// its body, which gets the parsed arguments and returns the exit code.

/** One `--name` option of a command. */
export interface CliOption {
  /** `string` takes a value (`--connection acme-sap` or `--connection=acme-sap`); `boolean` does not. */
  type: 'string' | 'boolean';
  /** What the value is, in the usage line and help (`ID`, `ISO`, `N`). */
  value?: string;
  /** One line for `--help`. */
  description: string;
}

/** A command's options, by name (without `--`). */
export type CliOptions = Record<string, CliOption>;

/** What a command's body gets: its options (by name) and its positional arguments. */
export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Where a command prints: data and results to `out` (stdout), problems to `err` (stderr). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CliCommand {
  name: string;
  /** One line in `makini-writes --help`. */
  summary: string;
  /** The positional arguments after the command name (`<workflowId>`); the usage line adds the options. */
  usage: string;
  /** Paragraphs for `--help`: what it does, what it prints, exit codes. */
  description?: string;
  /** Positional arguments, for `--help`: `<workflowId>` → what it is. */
  arguments?: Record<string, string>;
  options: CliOptions;
  examples?: string[];
  /** Settings it reads, for `--help` (the Temporal connection ones are added when `temporal` is set). */
  env?: string[];
  /** Whether it connects to Temporal (its help then names TEMPORAL_ADDRESS, ...). */
  temporal?: boolean;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** Exit code for bad usage or bad input (nothing was done). */
export const EXIT_USAGE = 2;

/** A usage problem (unknown option, missing argument, bad value): exit 2, with the command's usage. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** The `--json` option, on every command that prints data. */
export const JSON_OPTION: CliOption = { type: 'boolean', description: 'print JSON (one document on stdout, for scripts)' };

/** A string option's value (`undefined` when not given). */
export const stringValue = (a: ParsedArgs, name: string): string | undefined => {
  const v = a.values[name];
  return typeof v === 'string' ? v : undefined;
};

/** Whether a boolean option was given. */
export const flag = (a: ParsedArgs, name: string): boolean => a.values[name] === true;

/** Prints `value` as indented JSON (Dates as ISO strings, bigints as strings). */
export const printJson = (io: CliIo, value: unknown): void =>
  io.out(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2));
