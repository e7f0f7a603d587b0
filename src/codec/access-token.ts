// Verifies the OIDC access token the Temporal UI passes to the codec server ("pass access token":
// `Authorization: Bearer <the signed-in user's access token>`), against the identity provider:
// a signature by a key of its JWKS (asymmetric algorithms only), its issuer, the audience the
// codec server is configured for, and the token's lifetime. jose does the JWT work; nothing here
// parses or checks a signature by hand.
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { isLoopbackHost } from './loopback.js';

/** The identity provider whose access tokens are accepted (CODEC_SERVER_OIDC_*, read by src/config/settings.ts). */
export interface OidcOptions {
  issuer: string;
  audience: string[];
  jwksUrl?: string;
}

/** Asymmetric only: an `HS*` token would be "signed" with whatever key the caller chose, `none` with none. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** Clocks of the identity provider and this machine may differ a little. */
const CLOCK_TOLERANCE_S = 30;
const FETCH_TIMEOUT_MS = 5_000;

/** Why a token was refused, for the server's log (never the token). */
export type Verdict = { ok: true; subject?: string } | { ok: false; reason: string };

/**
 * A verifier of access tokens for `opts`. The JWKS comes from `opts.jwksUrl`, else from the
 * issuer's discovery document (`<issuer>/.well-known/openid-configuration`, whose `issuer` must be
 * the configured one, OpenID Connect Discovery 1.0 §4.3); jose caches the keys and fetches them
 * again when a token names a key it does not know (a rotation).
 */
export function accessTokenVerifier(opts: OidcOptions): (token: string) => Promise<Verdict> {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const jwks = () => {
    keys ??= jwksUrlOf(opts).then((url) => createRemoteJWKSet(new URL(url), { timeoutDuration: FETCH_TIMEOUT_MS }));
    // A failed discovery is tried again at the next request, not remembered.
    keys.catch(() => (keys = undefined));
    return keys;
  };
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, await jwks(), {
        issuer: opts.issuer,
        audience: opts.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_S,
      });
      return { ok: true, subject: payload.sub };
    } catch (err) {
      // jose's messages name the claim or check that failed, never the token.
      return { ok: false, reason: (err as Error).message };
    }
  };
}

async function jwksUrlOf(opts: OidcOptions): Promise<string> {
  if (opts.jwksUrl) return opts.jwksUrl;
  const discovery = `${opts.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(discovery, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
  if (!res.ok) throw new Error(`${discovery} answered ${res.status}`);
  const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (doc.issuer !== opts.issuer) throw new Error(`${discovery} names issuer ${JSON.stringify(doc.issuer)}, not ${opts.issuer}`);
  if (typeof doc.jwks_uri !== 'string') throw new Error(`${discovery} has no jwks_uri`);
  const url = new URL(doc.jwks_uri);
  if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) throw new Error(`${discovery}: jwks_uri ${url.origin} is not https`);
  return doc.jwks_uri;
}
