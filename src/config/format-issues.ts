// Config problems as lines a person can act on, without printing a secret: an unknown key is
// named, unless it looks like a secret (a token pasted where a key belongs, or a `key: value`
// line whose key is the token itself); then it is named by its position among the keys there.
import type { z } from 'zod';

/** Prefixes of well-known token formats (GitHub, Stripe-like, Slack, AWS, Google, GitLab, npm, JWT, webhook secrets). */
const TOKEN_PREFIX =
  /^(gh[pousr]_|github_pat_|sk[-_]|pk[-_](live|test)|rk[-_]|xox[abprse]-|AKIA|ASIA|AIza|ya29\.|glpat-|npm_|hf_|whsec_|shpat_|SG\.|eyJ)/;
/** Three dot-separated base64url parts: a JWT or a similar signed token. */
const JWT_LIKE = /^[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}$/;

/** Shannon entropy of `s` in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/**
 * Whether a key looks like a secret rather than a name: a known token format, a JWT, anything
 * over 64 characters, or 20+ characters without spaces that mix letters and digits at high
 * entropy (random, not words: `ZmFrZS1rZXk4MTIz…`, not `purchaseOrderReferenceField`).
 */
export function looksLikeSecret(key: string): boolean {
  if (key.length > 64) return true;
  if (key.length >= 12 && (TOKEN_PREFIX.test(key) || JWT_LIKE.test(key))) return true;
  return key.length >= 20 && !/\s/.test(key) && /[A-Za-z]/.test(key) && /\d/.test(key) && entropy(key) >= 3.5;
}

/** The value at `path` inside `input` (undefined when the path leaves it). */
function at(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** `key N`: the key's 1-based position among the keys of the object at `path` (or `key` alone when unknown). */
function position(input: unknown, path: readonly PropertyKey[], key: string): string {
  const obj = at(input, path);
  const i = obj !== null && typeof obj === 'object' ? Object.keys(obj).indexOf(key) : -1;
  return i >= 0 ? `key ${i + 1}` : 'key';
}

/** A path with each secret-looking segment replaced by its position (`overrides.<key 3>.x`). */
function pathText(path: readonly PropertyKey[], input: unknown): string {
  return path
    .map((k, i) => (typeof k === 'string' && looksLikeSecret(k) ? `<${position(input, path.slice(0, i), k)}>` : String(k)))
    .join('.');
}

/**
 * One line per problem: `path: message`, so a bad setting names itself. With the parsed `input`,
 * a secret-looking unknown key (or path segment) is named by its position among the keys there.
 */
export function formatZodIssues(error: z.ZodError, prefix = '', input?: unknown): string {
  return error.issues
    .flatMap((i) => {
      const where = `  - ${prefix}${i.path.length ? pathText(i.path, input) : '(root)'}`;
      if (i.code !== 'unrecognized_keys') return [`${where}: ${i.message}`];
      return i.keys.map((k) =>
        looksLikeSecret(k)
          ? `${where}: unknown ${position(input, i.path, k)} (of the keys there, in order; not shown: it looks like a secret)`
          : `${where}: unknown key "${k}"`,
      );
    })
    .join('\n');
}
