// The OAuth parts a worker and the `oauth-connect` command build from the settings: the token
// store (a file store by default, or the one injected) and the token endpoint (when the client
// id and secret are set).
import { parseEncryptionKeys } from '../codec/encryption-codec.js';
import { TokenEndpoint } from '../makini/token-endpoint.js';
import type { ConnectionsFile } from './connections.js';
import { OAuthTokens } from './oauth-tokens.js';
import type { Settings } from './settings.js';
import { FileTokenStore, type TokenStore } from './token-store.js';

/** The settings OAuth reads; all but the base URL and timeout have defaults or are optional. */
export type OAuthSettings = Pick<Settings, 'MAKINI_BASE_URL' | 'MAKINI_REQUEST_TIMEOUT_MS'> &
  Partial<
    Pick<
      Settings,
      | 'MAKINI_OAUTH_STORE_DIR'
      | 'MAKINI_OAUTH_STORE_CLEARTEXT'
      | 'MAKINI_CLIENT_ID'
      | 'MAKINI_CLIENT_SECRET'
      | 'MAKINI_WRITES_ENCRYPTION_KEYS'
    >
  >;

/** The default token store: files under MAKINI_OAUTH_STORE_DIR, encrypted with the payload keys. */
export function fileTokenStoreFrom(settings: OAuthSettings): FileTokenStore {
  return new FileTokenStore({
    dir: settings.MAKINI_OAUTH_STORE_DIR ?? '.data/tokens',
    keys: settings.MAKINI_WRITES_ENCRYPTION_KEYS ? parseEncryptionKeys(settings.MAKINI_WRITES_ENCRYPTION_KEYS) : undefined,
    allowClearText: settings.MAKINI_OAUTH_STORE_CLEARTEXT ?? false,
  });
}

/** The token endpoint, when the client credentials are set. */
export function tokenEndpointFrom(settings: OAuthSettings): TokenEndpoint | undefined {
  if (!settings.MAKINI_CLIENT_ID || !settings.MAKINI_CLIENT_SECRET) return undefined;
  return new TokenEndpoint({
    baseUrl: settings.MAKINI_BASE_URL,
    client: { clientId: settings.MAKINI_CLIENT_ID, clientSecret: settings.MAKINI_CLIENT_SECRET },
    timeoutMs: settings.MAKINI_REQUEST_TIMEOUT_MS,
  });
}

/** Ids of the connections whose token source is `oauth`. */
export function oauthConnectionIds(connections: ConnectionsFile): string[] {
  return connections.connections.filter((c) => 'oauth' in c.token).map((c) => c.id);
}

/** The worker's OAuth tokens; undefined when no connection uses `oauth` (nothing is opened then). */
export function oauthTokensFor(connections: ConnectionsFile, settings: OAuthSettings, store?: TokenStore): OAuthTokens | undefined {
  if (oauthConnectionIds(connections).length === 0) return undefined;
  return new OAuthTokens(store ?? fileTokenStoreFrom(settings), tokenEndpointFrom(settings));
}
