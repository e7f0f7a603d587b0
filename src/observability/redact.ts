// Redaction for anything that leaves the process as text (logs): values under secret-looking keys,
// bearer tokens, and every known secret value (connection tokens, encryption keys, API keys).
import { redact } from '../config/secret.js';

export const REDACTED = '[redacted]';

/** Keys whose values are never logged (case-insensitive; `taskToken` authorises completing an activity). */
const SECRET_KEY = /(token|secret|password|passwd|authorization|api[-_]?key|cookie|credential|private[-_]?key|encryption[-_]?keys?)$/i;

const MAX_DEPTH = 8;

/**
 * A deep copy of `value` with secrets replaced by `[redacted]`.
 * @example redactDeep({ authorization: 'Bearer abc', note: 'token xyz1 used' }, ['xyz1'])
 *   // → { authorization: '[redacted]', note: 'token [redacted] used' }
 */
export function redactDeep(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) {
    return redactDeep({ name: value.name, message: value.message, stack: value.stack }, secrets, depth + 1);
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets, depth + 1));
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return redactDeep((value as { toJSON(): unknown }).toJSON(), secrets, depth + 1);
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : redactDeep(v, secrets, depth + 1),
    ]),
  );
}

/**
 * Secret values a worker knows of: the connections' env tokens, the encryption keys, the Temporal
 * API key, the webhook secrets (each of a rotation list). (Tokens from files or providers are
 * caught by the key and bearer rules.)
 */
export function knownSecrets(env: NodeJS.ProcessEnv, tokenEnvNames: string[]): string[] {
  const keys = (env.MAKINI_WRITES_ENCRYPTION_KEYS ?? '').split(',').map((e) => e.slice(e.indexOf(':') + 1).trim());
  const webhookSecrets = (env.MAKINI_WEBHOOK_SECRET ?? '').split(',').map((s) => s.trim());
  return [...tokenEnvNames.map((n) => env[n]), env.TEMPORAL_API_KEY, env.MAKINI_CLIENT_SECRET, ...keys, ...webhookSecrets].filter(
    (s): s is string => typeof s === 'string' && s.length >= 4,
  );
}
