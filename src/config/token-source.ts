// Resolves a connection id to its bearer token inside activities. Workflows only ever see ids.
import { readFile } from 'node:fs/promises';
import type { ConnectionConfig } from './connections.js';
import type { OAuthTokens } from './oauth-tokens.js';
import { Secret } from '../observability/secret.js';
import { TokenUnavailableError, UnknownConnectionError, type TokenSource } from '../makini/tokens.js';

/** A pluggable token provider (a vault, a Makini token endpoint, ...). */
export type TokenProvider = (connectionId: string) => Promise<string>;

/**
 * What a bearer token may contain: visible ASCII only (RFC 6750's b64token is within it). Anything
 * else is a mistake in the secret (a pasted line break, a second value): fetch refuses a line break
 * with an error quoting the whole header, token included, and sends other control characters as
 * part of the token.
 */
const BEARER_TOKEN_CHAR = /^[\x21-\x7e]$/;

/** Why a token value cannot be sent, without quoting any part of it; undefined when it can. */
function tokenProblem(value: string): string | undefined {
  const bad = [...value].find((c) => !BEARER_TOKEN_CHAR.test(c));
  if (bad === undefined) return undefined;
  const code = bad.codePointAt(0)!;
  const what =
    code === 0x0a || code === 0x0d
      ? 'a line break'
      : code < 0x20 || code === 0x7f
        ? 'a control character'
        : code === 0x20
          ? 'a space'
          : 'a character outside ASCII';
  return `contains ${what}: a bearer token must be visible ASCII characters only (no spaces, line breaks or control characters)`;
}

/** Reads a token where its spec says; `from` names the place (never the value) for error messages. */
async function readToken(
  connectionId: string,
  spec: ConnectionConfig['token'],
  env: NodeJS.ProcessEnv,
  providers: Record<string, TokenProvider> | undefined,
  oauth: OAuthTokens | undefined,
): Promise<{ value: string; from: string }> {
  if ('oauth' in spec) {
    const from = 'the OAuth token store';
    if (!oauth) throw new TokenUnavailableError(connectionId, `${from} is not configured for this worker`);
    let token: Secret | undefined;
    try {
      token = await oauth.accessToken(connectionId);
    } catch (err) {
      // The store's own errors never hold a token (token-store.ts).
      throw new TokenUnavailableError(connectionId, `${from}: ${(err as Error).message}`);
    }
    if (!token)
      throw new TokenUnavailableError(connectionId, `${from} holds no tokens for it yet: run makini-writes oauth-connect ${connectionId}`);
    return { value: token.reveal(), from };
  }
  if ('env' in spec) {
    const from = `environment variable ${spec.env}`;
    const value = env[spec.env];
    if (!value) throw new TokenUnavailableError(connectionId, `${from} is not set`);
    return { value, from };
  }
  if ('file' in spec) {
    const from = `token file ${spec.file}`;
    let value: string;
    try {
      value = (await readFile(spec.file, 'utf8')).trim();
    } catch (err) {
      throw new TokenUnavailableError(connectionId, `cannot read ${from} (${(err as NodeJS.ErrnoException).code})`);
    }
    if (!value) throw new TokenUnavailableError(connectionId, `${from} is empty`);
    return { value, from };
  }
  const from = `token provider "${spec.provider}"`;
  const provider = providers?.[spec.provider];
  if (!provider) throw new TokenUnavailableError(connectionId, `${from} is not registered`);
  let value: unknown;
  try {
    value = await provider(connectionId);
  } catch {
    // Not its message: a vault's or token endpoint's error may quote a lease, a token or a
    // credential, and this message ends up in workflow history and logs.
    throw new TokenUnavailableError(connectionId, `${from} failed (its error is not shown: it may contain secrets)`);
  }
  if (typeof value !== 'string' || !value) throw new TokenUnavailableError(connectionId, `${from} returned no token`);
  return { value, from };
}

/** Builds a token source over the connections config; `env` and providers are injectable for tests. */
export function createTokenSource(
  connections: readonly ConnectionConfig[],
  opts: { env?: NodeJS.ProcessEnv; providers?: Record<string, TokenProvider>; oauth?: OAuthTokens } = {},
): TokenSource {
  const env = opts.env ?? process.env;
  const byId = new Map(connections.map((c) => [c.id, c]));
  return {
    async tokenFor(connectionId) {
      const conn = byId.get(connectionId);
      if (!conn) throw new UnknownConnectionError(connectionId);
      const { value, from } = await readToken(connectionId, conn.token, env, opts.providers, opts.oauth);
      const problem = tokenProblem(value);
      if (problem) throw new TokenUnavailableError(connectionId, `the token from ${from} ${problem}`);
      return new Secret(value);
    },
    refreshable(connectionId) {
      const conn = byId.get(connectionId);
      return conn !== undefined && 'oauth' in conn.token;
    },
  };
}
