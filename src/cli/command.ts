// The shape of one CLI command: its usage line and its body (returns the exit code).
export interface CliCommand {
  usage: string;
  run(args: string[]): Promise<number>;
}

/** Exit code for bad usage or bad input. */
export const EXIT_USAGE = 2;
