// Makini's token endpoint, sandboxed: `POST /link/token` (form-encoded) with the authorization_code
// grant [docs] and the refresh_token grant [assumed: RFC 6749 §6]. Lifetimes are set per connection
// (seconds in tests instead of 30 and 31 days); an expired access token answers 401. The
// unfavourable sides Makini leaves open: each refresh rotates the refresh token (the old one is
// refused afterwards), and `expires_in` comes as Makini's sample writes it, an epoch time in a string.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { MakiniOAuth } from '../src/makini/workflow/contract.js';
import type { Registry, SandboxConnection } from './registry.js';
import { sendJson, type Exchange } from './respond.js';

/** The one OAuth client the sandbox knows (MAKINI_CLIENT_ID / MAKINI_CLIENT_SECRET against it). */
export const SANDBOX_OAUTH_CLIENT = { clientId: 'sandbox-client', clientSecret: 'sandbox-client-secret-0123456789' } as const;

export const oauthSetupSchema = z.strictObject({
  /** Access token lifetime (default 30 days, as Makini's). */
  accessLifetimeMs: z.number().int().positive().default(MakiniOAuth.accessTokenLifetimeMs),
  /** Refresh token lifetime (default 31 days). */
  refreshLifetimeMs: z.number().int().positive().default(MakiniOAuth.refreshTokenLifetimeMs),
  /** `epoch`: `"expires_in": "<epoch seconds>"` as Makini's sample; `seconds`: a lifetime as RFC 6749. */
  expiresIn: z.enum(['epoch', 'seconds']).default('epoch'),
  /** Whether an access token stops working as soon as it is refreshed (default: it lives out its lifetime). */
  revokeOnRefresh: z.boolean().default(false),
});
export type OAuthSetup = z.output<typeof oauthSetupSchema>;

/** What the admin API shows of a connection's OAuth (tests: how often it refreshed, every token issued). */
export interface OAuthState {
  codeExchanges: number;
  refreshes: number;
  refusedGrants: number;
  /** Every access and refresh token ever issued, oldest first. */
  issued: string[];
}

const newToken = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`;

/** One connection's OAuth: its pending codes, live access tokens and the current refresh token. */
export class SandboxOAuth {
  private readonly codes = new Set<string>();
  /** Access token → when it expires. */
  private readonly access = new Map<string, number>();
  private refresh: { token: string; expiresAt: number } | undefined;
  readonly state: OAuthState = { codeExchanges: 0, refreshes: 0, refusedGrants: 0, issued: [] };

  constructor(public setup: OAuthSetup) {}

  /** A fresh single-use authorization code (what Makini Link redirects with). */
  newCode(): string {
    const code = newToken('code');
    this.codes.add(code);
    return code;
  }

  has(accessToken: string): boolean {
    return this.access.has(accessToken);
  }

  expired(accessToken: string, now: number): boolean {
    const at = this.access.get(accessToken);
    return at !== undefined && now >= at;
  }

  /** Every access token expires now. */
  expireAll(now: number): void {
    for (const t of this.access.keys()) this.access.set(t, now);
  }

  takeCode(code: string): boolean {
    return this.codes.delete(code);
  }

  refreshValid(token: string, now: number): boolean {
    return this.refresh !== undefined && this.refresh.token === token && now < this.refresh.expiresAt;
  }

  /** Issues new tokens (the refresh token rotates); answers as the token endpoint does. */
  issue(now: number, refreshing: boolean): Record<string, string | number> {
    if (refreshing && this.setup.revokeOnRefresh) this.access.clear();
    for (const [t, at] of this.access) if (at <= now - 60_000) this.access.delete(t); // keep the map small
    const accessToken = newToken('at');
    const refreshToken = newToken('rt');
    const expiresAt = now + this.setup.accessLifetimeMs;
    this.access.set(accessToken, expiresAt);
    this.refresh = { token: refreshToken, expiresAt: now + this.setup.refreshLifetimeMs };
    this.state.issued.push(accessToken, refreshToken);
    if (refreshing) this.state.refreshes += 1;
    else this.state.codeExchanges += 1;
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      token_type: 'bearer',
      // Floor: the epoch form is whole seconds, so the token is read as expiring a little early, never late.
      expires_in: this.setup.expiresIn === 'epoch' ? String(Math.floor(expiresAt / 1000)) : Math.floor(this.setup.accessLifetimeMs / 1000),
    };
  }
}

const oauthError = (x: Exchange, status: number, error: string, description: string) =>
  sendJson(x, status, { error, error_description: description }, { 'cache-control': 'no-store' });

/** `POST /link/token`: both grants, client authentication by form fields [docs]. */
export function handleTokenEndpoint(registry: Registry, x: Exchange, method: string, body: string, log?: (line: string) => void): void {
  if (method !== 'POST') return void oauthError(x, 405, 'invalid_request', 'POST only');
  const form = new URLSearchParams(body);
  const now = Date.now();
  const grant = form.get('grant_type');
  const done = (status: number, conn?: SandboxConnection) =>
    log?.(`POST /link/token (${grant ?? 'no grant'}) → ${status}${conn ? ` [${conn.id}]` : ''}`);
  if (form.get('client_id') !== SANDBOX_OAUTH_CLIENT.clientId || form.get('client_secret') !== SANDBOX_OAUTH_CLIENT.clientSecret) {
    done(401);
    return void oauthError(x, 401, 'invalid_client', 'unknown client or wrong secret');
  }
  const refuse = (conn?: SandboxConnection) => {
    if (conn?.oauth) conn.oauth.state.refusedGrants += 1;
    done(400, conn);
    oauthError(x, 400, 'invalid_grant', 'the code or refresh token is not valid (used, expired or unknown)');
  };
  if (grant === MakiniOAuth.grantAuthorizationCode) {
    const code = form.get('code') ?? '';
    const conn = registry.all().find((c) => c.oauth?.takeCode(code));
    if (!conn?.oauth || !form.get('redirect_uri')) return refuse(conn);
    done(200, conn);
    return void sendJson(x, 200, conn.oauth.issue(now, false), { 'cache-control': 'no-store', pragma: 'no-cache' });
  }
  if (grant === MakiniOAuth.grantRefreshToken) {
    const token = form.get('refresh_token') ?? '';
    const conn = registry.all().find((c) => c.oauth?.refreshValid(token, now));
    if (!conn?.oauth) return refuse();
    done(200, conn);
    return void sendJson(x, 200, conn.oauth.issue(now, true), { 'cache-control': 'no-store', pragma: 'no-cache' });
  }
  done(400);
  oauthError(x, 400, 'unsupported_grant_type', 'authorization_code or refresh_token');
}
