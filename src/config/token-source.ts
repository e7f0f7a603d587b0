// Resolves a connection id to its bearer token inside activities. Workflows only ever see ids.
import { readFile } from 'node:fs/promises';
import type { ConnectionConfig } from './connections.js';
import { Secret } from './secret.js';

/** A pluggable token provider (a vault, a Makini token endpoint, ...). */
export type TokenProvider = (connectionId: string) => Promise<string>;

export interface TokenSource {
  /** The token of a connection; throws `UnknownConnectionError` or `TokenUnavailableError`. */
  tokenFor(connectionId: string): Promise<Secret>;
}

export class UnknownConnectionError extends Error {
  override name = 'UnknownConnectionError';
  constructor(readonly connectionId: string) {
    super(`unknown connection "${connectionId}": it is not in the connections config`);
  }
}

export class TokenUnavailableError extends Error {
  override name = 'TokenUnavailableError';
  constructor(
    readonly connectionId: string,
    where: string,
  ) {
    super(`no token for connection "${connectionId}": ${where}`);
  }
}

/** Builds a token source over the connections config; `env` and providers are injectable for tests. */
export function createTokenSource(
  connections: readonly ConnectionConfig[],
  opts: { env?: NodeJS.ProcessEnv; providers?: Record<string, TokenProvider> } = {},
): TokenSource {
  const env = opts.env ?? process.env;
  const byId = new Map(connections.map((c) => [c.id, c]));
  return {
    async tokenFor(connectionId) {
      const conn = byId.get(connectionId);
      if (!conn) throw new UnknownConnectionError(connectionId);
      const spec = conn.token;
      let value: string | undefined;
      if ('env' in spec) {
        value = env[spec.env];
        if (!value) throw new TokenUnavailableError(connectionId, `environment variable ${spec.env} is not set`);
      } else if ('file' in spec) {
        try {
          value = (await readFile(spec.file, 'utf8')).trim();
        } catch (err) {
          throw new TokenUnavailableError(connectionId, `cannot read token file ${spec.file} (${(err as NodeJS.ErrnoException).code})`);
        }
        if (!value) throw new TokenUnavailableError(connectionId, `token file ${spec.file} is empty`);
      } else {
        const provider = opts.providers?.[spec.provider];
        if (!provider) throw new TokenUnavailableError(connectionId, `token provider "${spec.provider}" is not registered`);
        value = await provider(connectionId);
      }
      return new Secret(value);
    },
  };
}
