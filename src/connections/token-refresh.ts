// The activity that refreshes a connection's OAuth tokens: run by the connection's control
// workflow on a durable timer before the token expires, and by a write after a 401. It returns
// times only (they go to history); the tokens stay in the store. Its input is an object, so the
// connection gate (which holds calls while a connection needs reauthorization) lets it through.
import { z } from 'zod';
import type { OAuthTokens } from '../config/oauth-tokens.js';
import type { TokenRefreshAnswer } from './workflow/control-state.js';

export const refreshTokenInputSchema = z.strictObject({
  connectionId: z.string().min(1),
  /** `due`: refresh if the refresh time has come (the schedule); `stale`: if the stored tokens are older than `staleSince` (a 401). */
  when: z.enum(['due', 'stale']),
  staleSince: z.number().optional(),
});
export type RefreshTokenInput = z.infer<typeof refreshTokenInputSchema>;

export function tokenRefreshActivities(deps: { oauth?: OAuthTokens; isOAuth: (connectionId: string) => boolean }) {
  return {
    /** Refreshes the connection's OAuth tokens when due (or stale); one refresh at a time per connection in this process. */
    async refreshConnectionToken(raw: RefreshTokenInput): Promise<TokenRefreshAnswer> {
      const input = refreshTokenInputSchema.parse(raw);
      if (!deps.oauth || !deps.isOAuth(input.connectionId)) return { outcome: 'not-oauth' };
      return deps.oauth.refresh(input.connectionId, { when: input.when, staleSince: input.staleSince });
    },
  };
}
