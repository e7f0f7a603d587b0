// The activity that refreshes a connection's OAuth tokens: run by the connection's control
// workflow on a durable timer before the token expires, and by a write after a 401. It returns
// times only (they go to history); the tokens stay in the store. The connection gate (which holds
// calls while a connection needs reauthorization) lets it through (UNGATED_ACTIVITIES, gate.ts).
import { refreshTokenInputSchema, type ConnectionActivities, type RefreshTokenInput } from './activity-contract.js';
import type { TokenRefreshAnswer } from './workflow/control-state.js';

/**
 * What the activity needs of the token store: src/config/oauth-tokens.ts (OAuthTokens) is one, and
 * names the answer type from here, so the two areas depend one way (config on connections).
 */
interface TokenRefresher {
  refresh(connectionId: string, req: Omit<RefreshTokenInput, 'connectionId'>): Promise<TokenRefreshAnswer>;
}

export function tokenRefreshActivities(deps: {
  oauth?: TokenRefresher;
  isOAuth: (connectionId: string) => boolean;
}): Pick<ConnectionActivities, 'refreshConnectionToken'> {
  return {
    /** Refreshes the connection's OAuth tokens when due (or stale); one refresh at a time per connection in this process. */
    async refreshConnectionToken(raw) {
      const input = refreshTokenInputSchema.parse(raw);
      if (!deps.oauth || !deps.isOAuth(input.connectionId)) return { outcome: 'not-oauth' };
      return deps.oauth.refresh(input.connectionId, { when: input.when, staleSince: input.staleSince });
    },
  };
}
