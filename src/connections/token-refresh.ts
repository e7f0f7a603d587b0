// The activity that refreshes a connection's OAuth tokens: run by the connection's control
// workflow on a durable timer before the token expires, and by a write after a 401. It returns
// times only (they go to history); the tokens stay in the store. The connection gate (which holds
// calls while a connection needs reauthorization) lets it through (UNGATED_ACTIVITIES, gate.ts).
import type { OAuthTokens } from '../config/oauth-tokens.js';
import { refreshTokenInputSchema, type ConnectionActivities } from './activity-contract.js';

export function tokenRefreshActivities(deps: {
  oauth?: OAuthTokens;
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
