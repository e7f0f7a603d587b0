// Every setting of the worker and tools, read from the environment once and validated.
// A bad setting stops start-up with a message naming it and what was expected.
import { z } from 'zod';
import { MAKINI_DEFAULT_BASE_URL } from '../makini/workflow/contract.js';
import { formatZodIssues } from './format-issues.js';
import { Secret } from '../observability/secret.js';
import { encryptionSchema, type EncryptionSettings } from '../codec/encryption-settings.js';
import type { OidcOptions } from '../codec/access-token.js';
import { isLoopbackHost } from '../codec/loopback.js';

const port = z.coerce.number().int().min(1).max(65535);
const positiveMs = z.coerce.number().int().positive();
/** An address to listen on: an IP (the Prometheus endpoint takes no host names). */
const listenHost = z.union([z.ipv4(), z.ipv6()], { error: 'an IPv4 or IPv6 address, e.g. 127.0.0.1 or 0.0.0.0' });
const bool = z.enum(['true', 'false'], { error: '"true" or "false"' });

/** Webhook signing secrets, newest first (several during a rotation); never logged. */
const webhookSecrets = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().min(16, 'each secret at least 16 characters')).min(1, 'at least one secret'))
  .transform((list) => list.map((s) => new Secret(s)));

export const settingsSchema = z.object({
  /** Task queue of workflows and activities. */
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('makini-writes'),
  /** Makini API base URL (the sandbox's URL locally). */
  MAKINI_BASE_URL: z.url({ protocol: /^https?$/ }).default(MAKINI_DEFAULT_BASE_URL),
  /** YAML or JSON file listing connections (see deploy/connections.example.yaml). */
  MAKINI_CONNECTIONS_FILE: z.string().min(1).optional(),
  /**
   * The longest a worker waits for one Makini request; inside a write's activity attempt the
   * system profile's `timing.requestTimeoutMs` applies when shorter (src/makini/send-window.ts).
   */
  MAKINI_REQUEST_TIMEOUT_MS: positiveMs.default(20_000),
  /** Prometheus endpoint port of the worker; unset = no endpoint. */
  METRICS_PORT: port.optional(),
  /** Address the Prometheus endpoint listens on: loopback unless a scraper elsewhere needs it (it has no auth). */
  METRICS_HOST: listenHost.default('127.0.0.1'),
  /** How long a stopping worker lets in-flight activities finish before cancelling them. */
  WORKER_SHUTDOWN_GRACE_MS: positiveMs.default(10_000),
  /**
   * Workflows the worker keeps in memory (SDK default: scaled to the V8 heap). A waiting write
   * costs about 0.9 MiB cached (docs/benchmarks.md); evicted ones replay from history when they wake.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  ...encryptionSchema.shape,
  /** Directory of the OAuth token files of `token: { oauth: true }` connections (src/config/token-store.ts). */
  MAKINI_OAUTH_STORE_DIR: z.string().min(1).default('.data/tokens'),
  /** `true`: store OAuth tokens unencrypted when MAKINI_WRITES_ENCRYPTION_KEYS is unset (development only). */
  MAKINI_OAUTH_STORE_CLEARTEXT: bool.default('false').transform((v) => v === 'true'),
  /** The application's OAuth client at Makini: exchanges codes (`oauth-connect`) and refreshes tokens (the worker). */
  MAKINI_CLIENT_ID: z.string().min(1).optional(),
  MAKINI_CLIENT_SECRET: z
    .string()
    .min(1)
    .transform((v) => new Secret(v))
    .optional(),
  LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  /**
   * Makini's webhook signing secret(s), comma-separated, newest first: the receiver accepts a
   * delivery signed with any of them (rotation), `webhook-send` signs with the first.
   */
  MAKINI_WEBHOOK_SECRET: webhookSecrets.optional(),
  /** Port of the webhook receiver (`npm run webhooks`). */
  MAKINI_WEBHOOK_PORT: port.default(8790),
  /** Address the webhook receiver listens on; loopback unless Makini (or a proxy) reaches it directly. */
  MAKINI_WEBHOOK_HOST: listenHost.default('127.0.0.1'),
  /**
   * How old an event may be, by the timestamp its payload carries, before it is refused as stale
   * (seconds). Makini redelivers for up to 24 h, so the default is 24 h and 5 min; a payload without
   * a timestamp is not checked (Makini sends no timestamp header).
   */
  MAKINI_WEBHOOK_TOLERANCE_S: z.coerce.number().int().positive().default(86_700),
  /** The header Makini puts the signature in (`X-Webhook-Signature` [docs]); case does not matter. */
  MAKINI_WEBHOOK_SIGNATURE_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'an HTTP header name, e.g. X-Webhook-Signature')
    .default('X-Webhook-Signature')
    .transform((h) => h.toLowerCase()),
});
export type Settings = z.infer<typeof settingsSchema>;

function parseSettings<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const relevant = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = schema.safeParse(relevant);
  if (!parsed.success) throw new Error(`invalid settings:\n${formatZodIssues(parsed.error)}`);
  const settings = parsed.data as z.infer<S> & Partial<EncryptionSettings>;
  // Strict without keys would look enforced and enforce nothing.
  if (settings.MAKINI_WRITES_ENCRYPTION_STRICT && !settings.MAKINI_WRITES_ENCRYPTION_KEYS) {
    throw new Error('invalid settings:\n  - MAKINI_WRITES_ENCRYPTION_STRICT: "true" needs MAKINI_WRITES_ENCRYPTION_KEYS');
  }
  // Outside strict mode unbound payloads are read anyway: the switch would look meaningful and do nothing.
  if (settings.MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND && !settings.MAKINI_WRITES_ENCRYPTION_STRICT) {
    throw new Error(
      'invalid settings:\n  - MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND: "true" is a migration switch of strict mode: it needs MAKINI_WRITES_ENCRYPTION_STRICT=true',
    );
  }
  return settings;
}

/** Validates settings from `env`; throws one error naming every bad setting. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return parseSettings(settingsSchema, env);
}

/** An identity provider URL: https, or http on this machine only (a local identity provider, tests). */
const idpUrl = z.url({ protocol: /^https?$/ }).refine((v) => v.startsWith('https:') || isLoopbackHost(new URL(v).hostname), {
  error: 'https (plain http only on this machine: tokens and keys would travel unauthenticated)',
});

/** Who may call the codec server (`makini-writes codec-server`): a shared token, and/or the Temporal UI's OIDC access tokens. */
const codecServerSchema = z
  .object({
    /** Bearer token of the CLI and scripts (`temporal ... --codec-auth "Bearer ..."`); never logged. */
    CODEC_SERVER_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
    /** Issuer of the access tokens the Temporal UI passes (its `iss` claim, exactly). */
    CODEC_SERVER_OIDC_ISSUER: idpUrl.optional(),
    /** Audience(s) such a token must carry (`aud`), comma-separated: the one your identity provider issues the UI's tokens for. */
    CODEC_SERVER_OIDC_AUDIENCE: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .optional(),
    /** The issuer's JWKS; default: `jwks_uri` of `<issuer>/.well-known/openid-configuration`. */
    CODEC_SERVER_OIDC_JWKS_URL: idpUrl.optional(),
  })
  .superRefine((s, ctx) => {
    if (!s.CODEC_SERVER_TOKEN && !s.CODEC_SERVER_OIDC_ISSUER) {
      ctx.addIssue({
        code: 'custom',
        path: ['CODEC_SERVER_TOKEN'],
        message: 'set CODEC_SERVER_TOKEN (16+ characters) or CODEC_SERVER_OIDC_ISSUER and CODEC_SERVER_OIDC_AUDIENCE: who may decrypt',
      });
    }
    if (s.CODEC_SERVER_OIDC_ISSUER && !s.CODEC_SERVER_OIDC_AUDIENCE?.length) {
      ctx.addIssue({ code: 'custom', path: ['CODEC_SERVER_OIDC_AUDIENCE'], message: 'required with CODEC_SERVER_OIDC_ISSUER' });
    }
    for (const name of ['CODEC_SERVER_OIDC_AUDIENCE', 'CODEC_SERVER_OIDC_JWKS_URL'] as const) {
      if (s[name] && !s.CODEC_SERVER_OIDC_ISSUER) ctx.addIssue({ code: 'custom', path: [name], message: 'needs CODEC_SERVER_OIDC_ISSUER' });
    }
  });

/** The codec server's callers, as createCodecServer takes them. */
export interface CodecServerSettings {
  authToken?: string;
  oidc?: OidcOptions;
}

/** Validates CODEC_SERVER_TOKEN and CODEC_SERVER_OIDC_*; throws one error naming every bad setting. */
export function loadCodecServerSettings(env: NodeJS.ProcessEnv = process.env): CodecServerSettings {
  const s = parseSettings(codecServerSchema, env);
  return {
    authToken: s.CODEC_SERVER_TOKEN,
    oidc: s.CODEC_SERVER_OIDC_ISSUER
      ? { issuer: s.CODEC_SERVER_OIDC_ISSUER, audience: s.CODEC_SERVER_OIDC_AUDIENCE!, jwksUrl: s.CODEC_SERVER_OIDC_JWKS_URL }
      : undefined,
  };
}

/** Only the encryption settings: for tools that need nothing else (CLI, codec server). */
export function loadEncryptionSettings(env: NodeJS.ProcessEnv = process.env): EncryptionSettings {
  return parseSettings(encryptionSchema, env);
}
