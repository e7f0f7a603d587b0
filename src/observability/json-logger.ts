// The worker's log format: one JSON object per line, secrets redacted. Workflow, activity and
// Temporal core logs all pass through the Runtime logger, so they all come out this way.
import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import { redactDeep } from './redact.js';

/** One log entry as a JSON line: time, level, message, then its attributes (workflowId, connectionId, step, requestId, ...). */
export function jsonLogLine(entry: LogEntry, secrets: readonly string[] = []): string {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  const meta = (redactDeep(entry.meta ?? {}, secrets) ?? {}) as Record<string, unknown>;
  return JSON.stringify({ time, level: entry.level, message: redactDeep(entry.message, secrets), ...meta }, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  );
}

export interface JsonLoggerOptions {
  /** Secret values to blank out wherever they appear (see `knownSecrets`). */
  secrets?: readonly string[];
  /** Where lines go (default: stdout). */
  write?: (line: string) => void;
}

/** A Runtime logger writing JSON lines. */
export function createJsonLogger(level: LogLevel, opts: JsonLoggerOptions = {}): DefaultLogger {
  const write =
    opts.write ??
    ((line: string) => {
      process.stdout.write(`${line}\n`);
    });
  return new DefaultLogger(level, (entry) => write(jsonLogLine(entry, opts.secrets)));
}
