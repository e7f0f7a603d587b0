// The Temporal UI, with "pass access token" on, calls the codec server with the signed-in user's
// OIDC access token (`Authorization: Bearer`, plus `Content-Type` and `X-Namespace`). The codec
// server accepts it when it verifies against the identity provider: signature by a key of its JWKS,
// issuer, audience, expiry. The identity provider here is a local one: a key pair from jose and
// its JWKS (and discovery document) served over HTTP on loopback.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultPayloadConverter } from '@temporalio/common';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecServer } from '../../src/codec/codec-server.js';
import { EncryptionCodec, parseEncryptionKeys } from '../../src/codec/encryption-codec.js';
import { loadCodecServerSettings } from '../../src/config/settings.js';

const UI_ORIGIN = 'https://temporal-ui.example.com';
const AUDIENCE = 'makini-writes-codec';
const codec = new EncryptionCodec(parseEncryptionKeys(`k1:${randomBytes(32).toString('base64')}`));
const value = { vendorKey: 'V-100', price: 4.2 };

let idp: Server;
let issuer = '';
let jwksRequests = 0;
let signingKey: CryptoKey;
let strangerKey: CryptoKey;
const servers: Server[] = [];

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'idp-key-1', alg: 'RS256', use: 'sig' }] };
  idp = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') return res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
    if (req.url === '/keys') {
      jwksRequests++;
      return res.end(JSON.stringify(jwks));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of [idp, ...servers]) await new Promise<void>((r) => s.close(() => r()));
});

/** An access token as the identity provider would issue it; `claims` and `key` change what is wrong with it. */
function accessToken(opts: { iss?: string; aud?: string; exp?: string; key?: CryptoKey } = {}): Promise<string> {
  return new SignJWT({ scope: 'openid profile' })
    .setProtectedHeader({ alg: 'RS256', kid: 'idp-key-1', typ: 'at+jwt' })
    .setIssuer(opts.iss ?? issuer)
    .setAudience(opts.aud ?? AUDIENCE)
    .setSubject('ops@example.com')
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(opts.key ?? signingKey);
}

async function codecServer(oidc: { jwksUrl?: string }, authToken?: string): Promise<string> {
  const server = createCodecServer({
    codec,
    authToken,
    oidc: { issuer, audience: [AUDIENCE], ...oidc },
    allowedOrigins: [UI_ORIGIN],
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** POST /decode as the Temporal UI sends it (src/lib/services/data-encoder.ts of temporalio/ui). */
async function decodeAsTheUi(url: string, bearer: string) {
  const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  const res = await fetch(`${url}/decode`, {
    method: 'POST',
    signal: AbortSignal.timeout(15_000),
    headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: UI_ORIGIN },
    body: JSON.stringify({
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
          data: Buffer.from(encrypted!.data!).toString('base64'),
        },
      ],
    }),
  });
  const body = (await res.json()) as { payloads?: { metadata: Record<string, string>; data: string }[]; error?: string };
  const decoded = body.payloads?.[0]
    ? defaultPayloadConverter.fromPayload({
        metadata: Object.fromEntries(Object.entries(body.payloads[0].metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
        data: Buffer.from(body.payloads[0].data, 'base64'),
      })
    : undefined;
  return { status: res.status, decoded, cors: res.headers.get('access-control-allow-origin'), error: body.error };
}

describe("codec server: the Temporal UI's OIDC access token", () => {
  it('decodes for the UI when the token verifies: signed by a key of the JWKS, right issuer and audience', async () => {
    const url = await codecServer({ jwksUrl: `${issuer}/keys` });
    const answer = await decodeAsTheUi(url, await accessToken());
    expect(answer).toMatchObject({ status: 200, decoded: value, cors: UI_ORIGIN });
  });

  it('refuses a token issued for another audience', async () => {
    const url = await codecServer({ jwksUrl: `${issuer}/keys` });
    expect(await decodeAsTheUi(url, await accessToken({ aud: 'some-other-api' }))).toMatchObject({
      status: 401,
      decoded: undefined,
      error: 'unauthorized',
    });
  });

  it('refuses a token of another issuer, an expired one, one signed by a key not in the JWKS, and an unsigned one', async () => {
    const url = await codecServer({ jwksUrl: `${issuer}/keys` });
    const unsigned = new UnsecuredJWT({ scope: 'openid' }).setIssuer(issuer).setAudience(AUDIENCE).setExpirationTime('5m').encode();
    for (const [why, token] of [
      ['other issuer', await accessToken({ iss: 'https://login.example.org' })],
      ['expired', await accessToken({ exp: '-10m' })],
      ['unknown key', await accessToken({ key: strangerKey })],
      ['unsigned', unsigned],
      ['not a JWT', 'x'.repeat(40)],
    ] as const) {
      expect((await decodeAsTheUi(url, token)).status, why).toBe(401);
    }
  });

  it("finds the JWKS through the issuer's discovery document when no JWKS URL is set", async () => {
    const url = await codecServer({});
    const before = jwksRequests;
    expect(await decodeAsTheUi(url, await accessToken())).toMatchObject({ status: 200, decoded: value });
    expect(jwksRequests).toBeGreaterThan(before);
  });

  it('still accepts the shared CODEC_SERVER_TOKEN (the CLI) beside the tokens of the identity provider', async () => {
    const url = await codecServer({ jwksUrl: `${issuer}/keys` }, 'shared-token-0123456789');
    expect(await decodeAsTheUi(url, 'shared-token-0123456789')).toMatchObject({ status: 200, decoded: value });
    expect(await decodeAsTheUi(url, await accessToken())).toMatchObject({ status: 200, decoded: value });
    expect((await decodeAsTheUi(url, 'shared-token-012345678X')).status).toBe(401);
  });
});

describe('codec server settings', () => {
  it('reads the identity provider from CODEC_SERVER_OIDC_*, and refuses what would verify nothing', () => {
    expect(
      loadCodecServerSettings({
        CODEC_SERVER_OIDC_ISSUER: 'https://login.example.com/',
        CODEC_SERVER_OIDC_AUDIENCE: 'api://codec, makini-writes-codec',
      }),
    ).toMatchObject({ oidc: { issuer: 'https://login.example.com/', audience: ['api://codec', 'makini-writes-codec'] } });
    expect(
      loadCodecServerSettings({
        CODEC_SERVER_TOKEN: 'a'.repeat(24),
        CODEC_SERVER_OIDC_ISSUER: 'http://127.0.0.1:9000',
        CODEC_SERVER_OIDC_AUDIENCE: 'x',
        CODEC_SERVER_OIDC_JWKS_URL: 'http://127.0.0.1:9000/keys',
      }),
    ).toMatchObject({ authToken: 'a'.repeat(24), oidc: { jwksUrl: 'http://127.0.0.1:9000/keys' } });
    expect(() => loadCodecServerSettings({})).toThrow(/CODEC_SERVER_TOKEN .*or CODEC_SERVER_OIDC_ISSUER/);
    expect(() => loadCodecServerSettings({ CODEC_SERVER_OIDC_ISSUER: 'https://login.example.com' })).toThrow(
      /CODEC_SERVER_OIDC_AUDIENCE: required with CODEC_SERVER_OIDC_ISSUER/,
    );
    expect(() =>
      loadCodecServerSettings({ CODEC_SERVER_OIDC_ISSUER: 'http://login.example.com', CODEC_SERVER_OIDC_AUDIENCE: 'x' }),
    ).toThrow(/CODEC_SERVER_OIDC_ISSUER: https/);
    expect(() => loadCodecServerSettings({ CODEC_SERVER_TOKEN: 'short' })).toThrow(/CODEC_SERVER_TOKEN: .*16/);
  });
});
