// A token wrapper that cannot leak by accident: every way of printing it prints a placeholder.
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/** Holds a secret string; only `reveal()` returns it (use it to build the Authorization header). */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Base64 credentials look like neither a word nor prose: a digit, `+`, `/`, `=`, or mixed case past the first letter. */
const looksEncoded = (t: string) => t.length >= 8 && (/[0-9+/=]/.test(t) || (/[a-z]/.test(t) && /[A-Z]/.test(t.slice(1))));

/**
 * Replaces every occurrence of the given secrets, any bearer token, Basic credentials, and the
 * user-info of a URL (`https://user:password@host` → `https://[redacted]@host`) in a text.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`)
    .replace(/\b(basic\s+)([A-Za-z0-9+/]+={0,2})/gi, (all, scheme: string, value: string) =>
      looksEncoded(value) ? `${scheme}${REDACTED}` : all,
    )
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi, `$1${REDACTED}@`);
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(REDACTED);
  return out;
}
