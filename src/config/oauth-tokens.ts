// The OAuth tokens of `token: { oauth: true }` connections: the access token for each call, and
// the refresh, serialised per connection in this process (one refresh at a time, each reading the
// store again first: a refresh someone else just did is not repeated with a spent refresh token).
// The connection's control workflow schedules refreshes (control-workflow.ts); a 401 on a write
// asks for one more (waits.ts). Callers get times, never tokens, except `accessToken` for the call.
import type { TokenRefreshAnswer } from '../connections/workflow/control-state.js';
import type { Secret } from '../observability/secret.js';
import type { StoredTokens, TokenStore } from './token-store.js';
import { TokenEndpointError, type TokenEndpoint } from '../makini/token-endpoint.js';

/** Refresh this long before expiry at most (a day of a 30-day token), a third of the lifetime at least. */
export const REFRESH_LEAD_MAX_MS = 24 * 3600_000;

/** When tokens obtained at `obtainedAt` and expiring at `expiresAt` should be refreshed. */
export function refreshAtOf(t: Pick<StoredTokens, 'expiresAt' | 'obtainedAt'>): number {
  const lifetime = Math.max(0, t.expiresAt - t.obtainedAt);
  return t.expiresAt - Math.min(REFRESH_LEAD_MAX_MS, lifetime / 3);
}

/** What a refresh request did, in times only (this goes to workflow history; see TokenRefreshAnswer). */
export type TokenRefreshResult = Exclude<TokenRefreshAnswer, { outcome: 'not-oauth' }>;

export interface RefreshRequest {
  /** `due`: only if the refresh time has come; `stale`: only if the stored tokens were obtained at or before `staleSince` (a 401 hit them). */
  when: 'due' | 'stale';
  /** For `stale`: when the rejected call was scheduled (epoch ms). */
  staleSince?: number;
}

export class OAuthTokens {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: TokenStore,
    private readonly endpoint: TokenEndpoint | undefined,
    private readonly now: () => number = Date.now,
    /** After a refused refresh, how long to let another process's refresh reach the store before reading it again. */
    private readonly settleMs = 1_000,
  ) {}

  /** The stored access token; undefined when the connection has none yet. */
  async accessToken(connectionId: string): Promise<Secret | undefined> {
    return (await this.store.read(connectionId))?.accessToken;
  }

  /** Refreshes the connection's tokens if the request says so; never throws, never returns a token. */
  refresh(connectionId: string, req: RefreshRequest): Promise<TokenRefreshResult> {
    const previous = this.locks.get(connectionId) ?? Promise.resolve();
    const run = previous.then(
      () => this.refreshNow(connectionId, req),
      () => this.refreshNow(connectionId, req),
    );
    this.locks.set(connectionId, run);
    void run.finally(() => {
      if (this.locks.get(connectionId) === run) this.locks.delete(connectionId);
    });
    return run;
  }

  private async refreshNow(connectionId: string, req: RefreshRequest): Promise<TokenRefreshResult> {
    let current: StoredTokens | undefined;
    try {
      current = await this.store.read(connectionId);
    } catch (err) {
      return { outcome: 'unavailable', message: `token store: ${(err as Error).message}` };
    }
    if (!current) {
      return { outcome: 'missing', message: `no OAuth tokens stored for ${connectionId}: run makini-writes oauth-connect ${connectionId}` };
    }
    const times = (t: StoredTokens, refreshed: boolean): TokenRefreshResult => ({
      outcome: 'ok',
      refreshed,
      expiresAt: t.expiresAt,
      refreshAt: refreshAtOf(t),
      obtainedAt: t.obtainedAt,
    });
    const needed = req.when === 'due' ? this.now() >= refreshAtOf(current) : current.obtainedAt <= (req.staleSince ?? Infinity);
    if (!needed) return times(current, false);
    if (!this.endpoint) {
      return { outcome: 'refused', message: 'cannot refresh: MAKINI_CLIENT_ID and MAKINI_CLIENT_SECRET are not set for this worker' };
    }
    let issued;
    try {
      issued = await this.endpoint.refresh(current.refreshToken);
    } catch (err) {
      if (!(err instanceof TokenEndpointError)) return { outcome: 'unavailable', message: 'token refresh failed (its error is not shown)' };
      // Another process may have spent this refresh token a moment ago (its answer may still be on
      // its way to the store): its tokens win.
      if (err.kind === 'refused') await new Promise((r) => setTimeout(r, this.settleMs));
      const again = await this.store.read(connectionId).catch(() => undefined);
      if (again && again.obtainedAt > current.obtainedAt) return times(again, false);
      return { outcome: err.kind, message: err.message };
    }
    try {
      await this.store.write(connectionId, issued);
    } catch (err) {
      return { outcome: 'unavailable', message: `token store: ${(err as Error).message} (the refreshed tokens are lost)` };
    }
    return times(issued, true);
  }
}
