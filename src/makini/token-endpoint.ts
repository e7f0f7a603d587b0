// Makini's OAuth 2.0 token endpoint: the first tokens from an authorization code, and new tokens
// from a refresh token. Nothing here ever puts a token, a code or the client secret in an error
// message: errors name the grant, the HTTP status and the OAuth `error` code only.
import { z } from 'zod';
import { MakiniOAuth, MakiniPath } from './workflow/contract.js';
import { Secret } from '../observability/secret.js';

/** The application's OAuth client (MAKINI_CLIENT_ID / MAKINI_CLIENT_SECRET). */
export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: Secret;
}

/** A token answer, read: the tokens as secrets, times in epoch ms. */
export interface IssuedTokens {
  accessToken: Secret;
  refreshToken: Secret;
  /** When the access token expires. */
  expiresAt: number;
  /** When they were obtained (this machine's clock). */
  obtainedAt: number;
}

/** Why the token endpoint gave no tokens: `refused` (the grant or the client is not valid: a person must act) or `unavailable` (try later). */
export class TokenEndpointError extends Error {
  override name = 'TokenEndpointError';
  constructor(
    readonly kind: 'refused' | 'unavailable',
    message: string,
    readonly status?: number,
    readonly oauthError?: string,
  ) {
    super(message);
  }
}

const numeric = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number),
]);
/** The fields read [docs: authentication.md]; `expires_in` as a number or numeric string (see MakiniOAuth). */
const tokenAnswerSchema = z.object({
  access_token: z.string().regex(/^[\x21-\x7e]+$/),
  refresh_token: z
    .string()
    .regex(/^[\x21-\x7e]+$/)
    .optional(),
  token_type: z.string().optional(),
  expires_in: numeric.optional().catch(undefined),
});
/** RFC 6749 §5.2 error codes are short ASCII words; anything else is not repeated. */
const oauthErrorSchema = z.object({ error: z.string().regex(/^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/) });

/** When an access token expires, from `expires_in` as Makini's sample or RFC 6749 writes it. */
export function expiresAtOf(expiresIn: number | undefined, now: number): number {
  if (expiresIn === undefined || !Number.isFinite(expiresIn) || expiresIn <= 0) return now + MakiniOAuth.accessTokenLifetimeMs;
  return expiresIn >= MakiniOAuth.expiresInEpochThreshold ? expiresIn * 1000 : now + expiresIn * 1000;
}

export interface TokenEndpointOptions {
  baseUrl: string;
  client: OAuthClientCredentials;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** Calls the token endpoint; one instance per worker or CLI run. */
export class TokenEndpoint {
  constructor(private readonly opts: TokenEndpointOptions) {}

  /** The first tokens of a connection, from the code Makini Link redirected with [docs]. */
  exchangeCode(code: Secret, redirectUri: string): Promise<IssuedTokens> {
    return this.request('authorization code', {
      grant_type: MakiniOAuth.grantAuthorizationCode,
      code: code.reveal(),
      redirect_uri: redirectUri,
    });
  }

  /** New tokens from a refresh token [assumed: RFC 6749 §6]; an answer without a refresh token keeps this one. */
  refresh(refreshToken: Secret): Promise<IssuedTokens> {
    return this.request('refresh token', { grant_type: MakiniOAuth.grantRefreshToken, refresh_token: refreshToken.reveal() }, refreshToken);
  }

  private async request(grant: string, fields: Record<string, string>, keepRefresh?: Secret): Promise<IssuedTokens> {
    const now = this.opts.now ?? Date.now;
    const body = new URLSearchParams({
      ...fields,
      client_id: this.opts.client.clientId,
      client_secret: this.opts.client.clientSecret.reveal(),
    });
    const url = new URL(MakiniPath.linkToken(), this.opts.baseUrl);
    const what = `POST ${MakiniPath.linkToken()} (${grant} grant)`;
    let res: Response;
    try {
      res = await (this.opts.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        // Never follow: a redirect would carry the secret and the grant to wherever it points.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      // Only the kind of failure: undici's messages may quote the URL, never the body, but stay safe.
      const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms` : 'the request failed (network)';
      throw new TokenEndpointError('unavailable', `${what}: ${reason}`);
    }
    const obtainedAt = now();
    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const oauthError = oauthErrorSchema.safeParse(json);
      const code = oauthError.success ? oauthError.data.error : undefined;
      // 400 and 401 are the grant or the client being refused (RFC 6749 §5.2); 429 and 5xx pass.
      const refused = res.status === 400 || res.status === 401 || res.status === 403;
      throw new TokenEndpointError(
        refused ? 'refused' : 'unavailable',
        `${what} answered ${res.status}${code ? ` ${code}` : ''}${refused ? ': the grant or the client credentials are not accepted' : ''}`,
        res.status,
        code,
      );
    }
    const parsed = tokenAnswerSchema.safeParse(json);
    if (!parsed.success) {
      throw new TokenEndpointError('unavailable', `${what} answered ${res.status} without a readable access_token`, res.status);
    }
    const refreshToken = parsed.data.refresh_token ? new Secret(parsed.data.refresh_token) : keepRefresh;
    if (!refreshToken) throw new TokenEndpointError('refused', `${what} answered ${res.status} without a refresh_token`, res.status);
    return {
      accessToken: new Secret(parsed.data.access_token),
      refreshToken,
      expiresAt: expiresAtOf(parsed.data.expires_in, obtainedAt),
      obtainedAt,
    };
  }
}
