// The refresh of OAuth tokens against the sandbox's /link/token over HTTP (no Temporal): one
// refresh at a time per connection, a 401's refresh skipped when newer tokens are stored, both
// readings of `expires_in`, refusals that name no secret; and the control's refresh schedule.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type StartedSandbox } from '../../sandbox/index.js';
import { SANDBOX_OAUTH_CLIENT } from '../../sandbox/oauth.js';
import { buildMakiniActivities } from '../../src/composition/compose.js';
import { parseConnections } from '../../src/config/connections.js';
import { OAuthTokens, refreshAtOf } from '../../src/config/oauth-tokens.js';
import { Secret } from '../../src/observability/secret.js';
import { FileTokenStore } from '../../src/config/token-store.js';
import { ConnectionControl } from '../../src/connections/workflow/control-state.js';
import { MakiniOAuth } from '../../src/makini/workflow/contract.js';
import { expiresAtOf, TokenEndpoint, TokenEndpointError } from '../../src/makini/token-endpoint.js';

let sandbox: StartedSandbox;
let store: FileTokenStore;
const endpoint = (secret: string = SANDBOX_OAUTH_CLIENT.clientSecret) =>
  new TokenEndpoint({
    baseUrl: sandbox.url,
    client: { clientId: SANDBOX_OAUTH_CLIENT.clientId, clientSecret: new Secret(secret) },
    timeoutMs: 5_000,
  });

beforeAll(async () => {
  sandbox = await startSandbox({
    connections: ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => ({ id, token: `seed-${id}`, system: 'sap' })),
  });
  store = new FileTokenStore({
    dir: join(await mkdtemp(join(tmpdir(), 'oauth-refresh-')), 'tokens'),
    keys: [{ id: 'k', key: new Uint8Array(randomBytes(32)) }],
  });
});
afterAll(async () => {
  await sandbox?.close();
});

/** Connects `id` as `oauth-connect` does: a code from the sandbox, exchanged, stored. */
async function connect(id: string, setup: Parameters<StartedSandbox['admin']['oauthCode']>[1] = {}) {
  const code = await sandbox.admin.oauthCode(id, setup);
  const issued = await endpoint().exchangeCode(new Secret(code), 'https://app.example.com/cb');
  await store.write(id, issued);
  return issued;
}

describe('refreshing OAuth tokens', () => {
  it('concurrent refreshes of one connection in one process make one refresh grant (the rest read the store again)', async () => {
    await connect('c1', { accessLifetimeMs: 60_000 });
    const before = (await store.read('c1'))!;
    const tokens = new OAuthTokens(store, endpoint());
    const results = await Promise.all(
      Array.from({ length: 5 }, () => tokens.refresh('c1', { when: 'stale', staleSince: before.obtainedAt })),
    );
    expect((await sandbox.admin.oauthState('c1'))!.refreshes).toBe(1);
    expect(results.filter((r) => r.outcome === 'ok' && r.refreshed)).toHaveLength(1);
    expect(results.every((r) => r.outcome === 'ok')).toBe(true);
    // Only times come back: nothing a token could be read from.
    expect(JSON.stringify(results)).not.toMatch(/at_|rt_/);
    const after = (await store.read('c1'))!;
    expect(after.accessToken.reveal()).not.toBe(before.accessToken.reveal());
  });

  it('two processes refreshing at once: the one whose refresh token was spent takes the other one’s new tokens from the store', async () => {
    await connect('c5', { accessLifetimeMs: 60_000 });
    const before = (await store.read('c5'))!;
    const [a, b] = [new OAuthTokens(store, endpoint()), new OAuthTokens(store, endpoint())];
    const req = { when: 'stale' as const, staleSince: before.obtainedAt };
    const results = await Promise.all([a.refresh('c5', req), b.refresh('c5', req)]);
    expect(results.every((r) => r.outcome === 'ok')).toBe(true);
    const sandboxSide = (await sandbox.admin.oauthState('c5'))!;
    expect(sandboxSide.refreshes).toBe(1);
    expect(sandboxSide.issued.at(-2)).toBe((await store.read('c5'))!.accessToken.reveal());
  });

  it('refreshes on the schedule only when due; the new tokens work, the spent refresh token is refused', async () => {
    const first = await connect('c2', { accessLifetimeMs: 60_000 });
    let now = first.obtainedAt;
    const tokens = new OAuthTokens(store, endpoint(), () => now);
    expect(await tokens.refresh('c2', { when: 'due' })).toMatchObject({ outcome: 'ok', refreshed: false });
    now = refreshAtOf(first) + 1;
    expect(await tokens.refresh('c2', { when: 'due' })).toMatchObject({ outcome: 'ok', refreshed: true });
    const current = (await store.read('c2'))!;
    const res = await fetch(new URL('/api/integrations/current', sandbox.url), {
      headers: { authorization: `Bearer ${current.accessToken.reveal()}` },
    });
    expect(res.status).toBe(200);
    const spent = await endpoint()
      .refresh(first.refreshToken)
      .catch((e: unknown) => e);
    expect(spent).toBeInstanceOf(TokenEndpointError);
    expect(spent).toMatchObject({ kind: 'refused', status: 400, oauthError: 'invalid_grant' });
    expect((spent as Error).message).not.toContain(first.refreshToken.reveal());
  });

  it('an expired access token answers 401; a refused refresh is `refused`, a wrong client secret is never quoted', async () => {
    const issued = await connect('c3', { accessLifetimeMs: 60_000 });
    await sandbox.admin.expireOAuthTokens('c3');
    const res = await fetch(new URL('/api/integrations/current', sandbox.url), {
      headers: { authorization: `Bearer ${issued.accessToken.reveal()}` },
    });
    expect(res.status).toBe(401);
    const wrong = 'not-the-secret-0123456789';
    const err = (await endpoint(wrong)
      .refresh(issued.refreshToken)
      .catch((e: unknown) => e)) as TokenEndpointError;
    expect(err).toMatchObject({ kind: 'refused', status: 401, oauthError: 'invalid_client' });
    expect(err.message).not.toContain(wrong);
    const refused = await new OAuthTokens(store, endpoint(wrong)).refresh('c3', { when: 'stale', staleSince: Date.now() });
    expect(refused).toMatchObject({ outcome: 'refused' });
    expect(await new OAuthTokens(store, endpoint()).refresh('c9', { when: 'due' })).toMatchObject({ outcome: 'missing' });
  });

  it('reads `expires_in` as Makini’s sample (epoch seconds in a string) and as RFC 6749 (seconds)', async () => {
    const epoch = await connect('c4', { accessLifetimeMs: 120_000, expiresIn: 'epoch' });
    expect(epoch.expiresAt - epoch.obtainedAt).toBeGreaterThan(118_000);
    expect(epoch.expiresAt - epoch.obtainedAt).toBeLessThanOrEqual(120_000);
    const seconds = await connect('c4', { accessLifetimeMs: 120_000, expiresIn: 'seconds' });
    expect(seconds.expiresAt - seconds.obtainedAt).toBe(120_000);
    expect(expiresAtOf(undefined, 0)).toBe(MakiniOAuth.accessTokenLifetimeMs);
    expect(expiresAtOf(1715674414, 0)).toBe(1715674414_000);
  });
});

describe('the control workflow’s refresh schedule (state machine)', () => {
  const T = 1_000_000;
  const fresh = () => new ConnectionControl(ConnectionControl.initial('acme-sap'));

  it('a notice makes the refresh due at once; an answer schedules the next at the refresh time (a wake-up of the loop)', () => {
    const c = fresh();
    expect(c.tokenDue(T)).toBe(false);
    c.tokenNotice({}, T);
    expect(c.tokenDue(T)).toBe(true);
    c.tokenResult({ outcome: 'ok', refreshed: false, expiresAt: T + 30_000, refreshAt: T + 20_000, obtainedAt: T }, T);
    expect(c.tokenDue(T + 19_999)).toBe(false);
    expect(c.nextWakeAt(T)).toBe(T + 20_000);
    expect(c.tokenDue(T + 20_000)).toBe(true);
  });

  it('a refresh releases writes waiting after a 401 of the old token and makes older 401s stale', () => {
    const c = fresh();
    c.tokenNotice({}, T);
    c.report({ kind: 'auth-failed', at: T + 1, message: '401', callStartedAt: T, waiter: 'w1' }, T + 1);
    expect(c.state.reauth.needed).toBe(true);
    const fx = c.tokenResult({ outcome: 'ok', refreshed: true, expiresAt: T + 90_000, refreshAt: T + 60_000, obtainedAt: T + 5 }, T + 5);
    expect(fx.release).toEqual(['w1']);
    expect(c.state.reauth.needed).toBe(false);
    c.report({ kind: 'auth-failed', at: T + 6, message: '401', callStartedAt: T + 2 }, T + 6);
    expect(c.state.reauth.needed).toBe(false);
  });

  it('a refused refresh marks the connection for reauthorization and stops the schedule; a failed one retries with backoff', () => {
    const refused = fresh();
    refused.tokenNotice({}, T);
    refused.tokenResult({ outcome: 'refused', message: 'answered 400 invalid_grant' }, T);
    expect(refused.state.reauth).toMatchObject({ needed: true, reason: expect.stringMatching(/oauth-connect acme-sap/) });
    expect(refused.state.token?.nextAttemptAt).toBeUndefined();
    const failing = fresh();
    failing.tokenNotice({}, T);
    failing.tokenResult({ outcome: 'unavailable', message: '503' }, T);
    expect(failing.state.token?.nextAttemptAt).toBe(T + 5_000);
    failing.tokenResult({ outcome: 'unavailable', message: '503' }, T + 5_000);
    expect(failing.state.token?.nextAttemptAt).toBe(T + 15_000);
    expect(failing.state.reauth.needed).toBe(false);
  });
});

describe('configuring an oauth connection', () => {
  it('the connections file takes `token: { oauth: true }` and names a bad value', () => {
    const ok = parseConnections('connections:\n  - id: acme-sap\n    token: { oauth: true }\n', 'c.yaml');
    expect(ok.connections[0]?.token).toEqual({ oauth: true });
    expect(() => parseConnections('connections:\n  - id: acme-sap\n    token: { oauth: yes }\n', 'c.yaml')).toThrow(
      /connections\.0\.token/,
    );
  });

  it('a worker with oauth connections refuses to start without encryption keys (unless clear text is allowed), and warns without client credentials', () => {
    const connections = parseConnections('connections:\n  - id: acme-sap\n    token: { oauth: true }\n', 'c.yaml');
    const base = { MAKINI_BASE_URL: 'http://127.0.0.1:1', MAKINI_REQUEST_TIMEOUT_MS: 1_000, MAKINI_OAUTH_STORE_DIR: tmpdir() };
    expect(() => buildMakiniActivities({ settings: base, connections })).toThrow(/needs MAKINI_WRITES_ENCRYPTION_KEYS/);
    const warnings: string[] = [];
    const activities = buildMakiniActivities({
      settings: { ...base, MAKINI_OAUTH_STORE_CLEARTEXT: true },
      connections,
      warn: (m) => warnings.push(m),
    });
    expect(activities.refreshConnectionToken).toBeTypeOf('function');
    expect(warnings.join('\n')).toMatch(/MAKINI_CLIENT_ID \/ MAKINI_CLIENT_SECRET are not set/);
  });
});
