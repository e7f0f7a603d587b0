// Redaction for anything that leaves the process as text (logs): values under secret-looking keys
// (and after a secret-looking name in a list of pairs), bearer and Basic credentials, URL
// user-info, the bytes of buffers, and every known secret value (connection tokens, encryption
// keys, API keys).
import { redact } from './secret.js';

export const REDACTED = '[redacted]';

/**
 * A key whose value is never logged: one of these words anywhere in it, in any case (`taskToken`
 * authorises completing an activity, `refreshTokens`, `secretKey`, `AWS_ACCESS_KEY_ID`, `basicAuth`).
 * `auth` but not `author`; a record's `*Key` (vendorKey) is an id, not a secret.
 */
const SECRET_KEY =
  /token|secret|passw(?:or)?d|pwd|authorization|auth(?!or)|api[-_]?key|access[-_]?key|private[-_]?key|cookie|credential|encryption[-_]?keys?/i;
/** A name in a list of pairs (`['authorization', 'Basic …']`, Node's raw headers): one word, no spaces. */
const isSecretName = (v: unknown): boolean => typeof v === 'string' && /^[\w.-]{1,100}$/.test(v) && SECRET_KEY.test(v);
const hasValue = (v: unknown) => v !== undefined && v !== null && v !== '';

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
  // Key material, bodies, ciphertext: the bytes never, their size only (a Buffer's toJSON lists every byte).
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) {
    return `[${value.byteLength} bytes, redacted]`;
  }
  if (value instanceof Error) {
    return redactDeep({ name: value.name, message: value.message, stack: value.stack }, secrets, depth + 1);
  }
  if (Array.isArray(value)) {
    // The value after a secret-looking name: `[name, value]` pairs and flat raw-header lists alike.
    return value.map((v, i) => (i > 0 && isSecretName(value[i - 1]) && hasValue(v) ? REDACTED : redactDeep(v, secrets, depth + 1)));
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return redactDeep((value as { toJSON(): unknown }).toJSON(), secrets, depth + 1);
  }
  // `{ name: 'Authorization', value: '…' }` (HAR-style header lists).
  const pairName = (value as { name?: unknown; key?: unknown }).name ?? (value as { key?: unknown }).key;
  const namedSecret = isSecretName(pairName);
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      (SECRET_KEY.test(k) || (namedSecret && k === 'value')) && hasValue(v) ? REDACTED : redactDeep(v, secrets, depth + 1),
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
