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

/** Replaces every occurrence of the given secrets (and any bearer token) in a text. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text.replace(/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`);
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(REDACTED);
  return out;
}
