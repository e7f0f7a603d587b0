// What the Makini client needs from a token source (src/config/token-source.ts builds the one the
// worker uses): a connection's bearer token, and the errors that say why there is none.
import type { Secret } from '../observability/secret.js';

export interface TokenSource {
  /** The token of a connection; throws `UnknownConnectionError` or `TokenUnavailableError`. */
  tokenFor(connectionId: string): Promise<Secret>;
  /** Whether the connection's token can be refreshed (an `oauth` connection): a 401 then tries a refresh first. */
  refreshable?(connectionId: string): boolean;
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
