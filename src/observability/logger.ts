// The Runtime logger of the worker and the webhook receiver, through pino: readable, coloured
// lines for a person at a terminal (pino-pretty, formatting in-process and synchronously, so no
// line is lost on SIGTERM or exit), JSON lines everywhere else (CI, containers, log shippers).
// Workflow, activity and Temporal core logs all pass through it; every message and attribute is
// redacted first (secret-looking keys, bearer tokens, the known secret values).
import { DefaultLogger, type LogEntry, type LogLevel, type LogMetadata, type Logger } from '@temporalio/worker';
import { destination as pinoDestination, pino, type DestinationStream } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { redact } from './secret.js';
import { failureLabelOf } from './workflow/failure-label.js';
import { redactDeep } from './redact.js';

export type LogFormat = 'pretty' | 'json';

const SEVERITY: Record<LogLevel, number> = { TRACE: 10, DEBUG: 20, INFO: 30, WARN: 40, ERROR: 50 };
const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** Keys every line has; an attribute of the same name is written as `attr_<name>`. */
const RESERVED = new Set(['level', 'time', 'message']);
/** Attributes a person at a terminal does not need on every line (the JSON lines keep them). */
const PRETTY_HIDDEN = 'pid,hostname,sdkComponent,namespace,taskQueue,taskToken';

/**
 * How lines are written: `pretty` when the output is a terminal, or when FORCE_COLOR is set (a
 * parent that shows our output on its terminal, as `npm start` does); `json` otherwise. Colours
 * unless NO_COLOR is set or FORCE_COLOR is `0`/`false`.
 */
export function chooseLogFormat(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): { format: LogFormat; colors: boolean } {
  const force = env.FORCE_COLOR;
  const forced = force !== undefined && force !== '';
  if (!stream.isTTY && !forced) return { format: 'json', colors: false };
  const colors = forced ? !/^(0|false)$/i.test(force) : !env.NO_COLOR;
  return { format: 'pretty', colors };
}

const WEBPACK_SUMMARY = /^webpack(?: [\d.]+)? compiled (?:successfully|with (\d+) warnings?)\b.*$/m;
// eslint-disable-next-line no-control-regex -- ANSI colour codes
const ANSI = /\u001b\[[0-9;]*m/g;

/** What the SDK logs when a worker runs activities only (`@temporalio/worker/src/worker.ts`, `workflow$`). */
const NO_WORKFLOWS = 'No workflows registered, not polling for workflow tasks';

/**
 * The Temporal bundler logs webpack's whole stats text (every module of the workflow bundle) at
 * INFO when a worker starts (`@temporalio/worker/src/workflow/bundler.ts`). That is DEBUG
 * material; its warnings are not: they are kept, at WARN. A worker without workflows is said at INFO
 * (a deliberate configuration, not a problem). Anything else passes unchanged.
 */
export function reclassifyEntry(level: LogLevel, message: string): { level: LogLevel; message: string }[] {
  // An activity-only worker (the write-calls queue's) has no workflows by design; the SDK says so at WARN.
  if (level === 'WARN' && message === NO_WORKFLOWS) return [{ level: 'INFO', message }];
  if (level !== 'INFO' && level !== 'DEBUG') return [{ level, message }];
  const text = message.replace(ANSI, '');
  const summary = WEBPACK_SUMMARY.exec(text);
  if (!summary) return [{ level, message }];
  const stats = { level: 'DEBUG' as const, message: `workflow bundle: webpack stats\n${text}` };
  if (!summary[1]) return [stats];
  const first = text.search(/^WARNING\b/m);
  const warnings = (first >= 0 ? text.slice(first, summary.index) : text).trim();
  return [{ level: 'WARN', message: `workflow bundle built with ${summary[1]} webpack warning(s):\n${warnings}` }, stats];
}

/** A copy where bigints are strings (JSON has no bigint; pino would print a bare number). */
function withoutBigints(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(withoutBigints);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutBigints(v)]));
  }
  return value;
}

/** Attributes of failures as type and code (failureLabelOf), without message, stack or a step's note. */
function withoutFailureText(meta: LogMetadata): LogMetadata {
  const out: LogMetadata = {};
  for (const [k, v] of Object.entries(meta)) {
    if (k === 'note') continue;
    out[k] = v instanceof Error ? failureLabelOf(v) : v;
  }
  return out;
}

export interface RuntimeLoggerOptions {
  /** Secret values to blank out wherever they appear (see `knownSecrets`). */
  secrets?: readonly string[];
  /**
   * True where payloads are encrypted (MAKINI_WRITES_ENCRYPTION_KEYS): errors in attributes (the
   * SDK's "Activity failed", "Workflow failed") are logged by type and code only, and a step's
   * `note` (its failure message) not at all; history keeps both, encrypted.
   */
  omitFailureText?: boolean;
  /** `pretty` or `json` (default: `chooseLogFormat()`, from stdout and the environment). */
  format?: LogFormat;
  /** Colours in `pretty` lines (default: `chooseLogFormat()`'s). */
  colors?: boolean;
  /** Where each line goes, without its newline (default: stdout, written synchronously). */
  write?: (line: string) => void;
}

/** One formatted line out of pino (JSON or pretty), to its destination. */
function destination(format: LogFormat, colors: boolean, write: ((line: string) => void) | undefined): DestinationStream {
  let out: (line: string) => void;
  if (write) {
    out = (line) => write(line.replace(/\n$/, ''));
  } else {
    const stdout = pinoDestination({ dest: 1, sync: true });
    out = (line) => void stdout.write(line);
  }
  if (format === 'json') return { write: out };
  const pretty = prettyFactory({
    colorize: colors,
    messageKey: 'message',
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true,
    ignore: PRETTY_HIDDEN,
    messageFormat: '{if sdkComponent}{sdkComponent}: {end}{message}',
  });
  return { write: (line: string) => out(pretty(line)) };
}

/**
 * The Runtime logger (`Runtime.install({ logger })`): entries at `level` and above, through pino,
 * secrets redacted in the message and every attribute.
 * @example createRuntimeLogger('INFO', { secrets: knownSecrets(process.env, tokenEnvNames(connections)) })
 */
export function createRuntimeLogger(level: LogLevel, opts: RuntimeLoggerOptions = {}): Logger {
  const chosen = chooseLogFormat();
  const format = opts.format ?? chosen.format;
  const secrets = opts.secrets ?? [];
  // The entry's own time (a workflow's log time, not when the sink delivered it), set per line.
  let time = 0;
  const out = pino(
    {
      level: 'trace',
      base: undefined,
      // Attributes are already plain, redacted data: no serializer re-shapes an `err`.
      serializers: { err: (v: unknown) => v },
      messageKey: 'message',
      timestamp: format === 'json' ? () => `,"time":"${new Date(time).toISOString()}"` : () => `,"time":${time}`,
      ...(format === 'json' ? { formatters: { level: (label: string) => ({ level: label.toUpperCase() }) } } : {}),
    },
    destination(format, opts.colors ?? chosen.colors, opts.write),
  );
  const threshold = SEVERITY[level];
  const sink = (entry: LogEntry) => {
    const meta = opts.omitFailureText ? withoutFailureText(entry.meta ?? {}) : (entry.meta ?? {});
    const attrs = (withoutBigints(redactDeep(meta, secrets)) ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(attrs)) {
      if (RESERVED.has(key)) {
        attrs[`attr_${key}`] = attrs[key];
        delete attrs[key];
      }
    }
    time = Number(entry.timestampNanos / 1_000_000n);
    for (const e of reclassifyEntry(entry.level, entry.message)) {
      if (SEVERITY[e.level] >= threshold) out[PINO_LEVEL[e.level]](attrs, redact(e.message, secrets));
    }
  };
  // TRACE here: the level is applied after reclassifying (a bundler warning logged at INFO is kept at WARN).
  const inner = new DefaultLogger('TRACE', sink);
  return {
    log: (l: LogLevel, message: string, meta?: LogMetadata) => inner.log(l, message, meta),
    trace: (message, meta) => inner.log('TRACE', message, meta),
    debug: (message, meta) => inner.log('DEBUG', message, meta),
    info: (message, meta) => inner.log('INFO', message, meta),
    warn: (message, meta) => inner.log('WARN', message, meta),
    error: (message, meta) => inner.log('ERROR', message, meta),
  };
}
