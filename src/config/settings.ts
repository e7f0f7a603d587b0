// Every setting of the worker and tools, read from the environment once and validated.
// A bad setting stops start-up with a message naming it and what was expected.
import { z } from 'zod';
import { MAKINI_DEFAULT_BASE_URL } from '../makini/contract.js';
import { formatZodIssues } from './format-issues.js';
import { Secret } from './secret.js';
import { parseEncryptionKeys } from '../codec/encryption-codec.js';

const port = z.coerce.number().int().min(1).max(65535);
const positiveMs = z.coerce.number().int().positive();

export const settingsSchema = z.object({
  /** Task queue of workflows and activities. */
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('makini-writes'),
  /** Makini API base URL (the sandbox's URL locally). */
  MAKINI_BASE_URL: z.url({ protocol: /^https?$/ }).default(MAKINI_DEFAULT_BASE_URL),
  /** YAML or JSON file listing connections (see deploy/connections.example.yaml). */
  MAKINI_CONNECTIONS_FILE: z.string().min(1).optional(),
  /** Per-request timeout of Makini calls; shorter than the activity's start-to-close timeout. */
  MAKINI_REQUEST_TIMEOUT_MS: positiveMs.default(20_000),
  /** Prometheus endpoint port of the worker; unset = no endpoint. */
  METRICS_PORT: port.optional(),
  /** How long a stopping worker lets in-flight activities finish before cancelling them. */
  WORKER_SHUTDOWN_GRACE_MS: positiveMs.default(10_000),
  /**
   * Workflows the worker keeps in memory (SDK default: scaled to the V8 heap). A waiting write
   * costs about 0.9 MiB cached (docs/benchmarks.md); evicted ones replay from history when they wake.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  /** `keyId:base64Key[,...]`, newest first: AES-256-GCM encryption of every payload (see README). */
  MAKINI_WRITES_ENCRYPTION_KEYS: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      if (!v) return;
      try {
        parseEncryptionKeys(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^MAKINI_WRITES_ENCRYPTION_KEYS:? ?/, '') });
      }
    }),
  LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  /** Makini's webhook signing secret (the receiver verifies every delivery with it); never logged. */
  MAKINI_WEBHOOK_SECRET: z
    .string()
    .min(16, 'at least 16 characters')
    .transform((v) => new Secret(v))
    .optional(),
  /** Port of the webhook receiver (`npm run webhooks`). */
  MAKINI_WEBHOOK_PORT: port.default(8790),
  /** A delivery whose timestamp is further than this from now is refused as stale (seconds). */
  MAKINI_WEBHOOK_TOLERANCE_S: z.coerce.number().int().positive().default(300),
});
export type Settings = z.infer<typeof settingsSchema>;

/** Validates settings from `env`; throws one error naming every bad setting. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const relevant = Object.fromEntries(Object.keys(settingsSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = settingsSchema.safeParse(relevant);
  if (!parsed.success) throw new Error(`invalid settings:\n${formatZodIssues(parsed.error)}`);
  return parsed.data;
}
