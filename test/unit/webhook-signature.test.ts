// Webhook deliveries: the signature scheme (checked against openssl), and every refusal the
// receiver makes before anything reaches Temporal: bad signature, stale, replayed, malformed.
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { MakiniHeader } from '../../src/makini/contract.js';
import { ReplayGuard } from '../../src/webhooks/replay-guard.js';
import { signWebhook, verifyWebhookSignature } from '../../src/webhooks/signature.js';
import { signedDelivery } from '../../src/webhooks/signed-delivery.js';
import { verifyDelivery } from '../../src/webhooks/verify-delivery.js';

const secret = new Secret('whsec-test-0123456789');
const body = Buffer.from('{"type":"connection.online","connectionId":"acme-sap"}');
const NOW = 1_700_000_000_000;
const payload = { type: 'connection.online', connectionId: 'acme-sap' };

const check = (headers: Record<string, string>, raw: Buffer | string, guard = new ReplayGuard(600_000), now = NOW) =>
  verifyDelivery({ headers, rawBody: Buffer.isBuffer(raw) ? raw : Buffer.from(raw), secret, toleranceS: 300, now, guard });

describe('webhook signature', () => {
  it('is base64 HMAC-SHA256 over "<id>.<timestamp>.<raw body>" (same as openssl)', () => {
    // printf 'evt_1.1700000000.{"type":...}' | openssl dgst -sha256 -hmac 'whsec-test-0123456789' -binary | base64
    expect(signWebhook(secret, 'evt_1', '1700000000', body)).toBe('cF1PtyCsMnhVR4YSQog2mFPYbNgRE6lm+eKwB1JXevQ=');
  });

  it('verifies the right signature and refuses any change to id, timestamp, body or secret', () => {
    const sig = signWebhook(secret, 'evt_1', '1700000000', body);
    expect(verifyWebhookSignature(secret, 'evt_1', '1700000000', body, sig)).toBe(true);
    expect(verifyWebhookSignature(secret, 'evt_2', '1700000000', body, sig)).toBe(false);
    expect(verifyWebhookSignature(secret, 'evt_1', '1700000001', body, sig)).toBe(false);
    expect(verifyWebhookSignature(secret, 'evt_1', '1700000000', Buffer.from(`${body.toString()} `), sig)).toBe(false);
    expect(verifyWebhookSignature(new Secret('another-secret-0123456'), 'evt_1', '1700000000', body, sig)).toBe(false);
  });

  it('during a rotation verifies with any configured secret and signs with the newest (first)', () => {
    const older = new Secret('whsec-older-0123456789');
    const sigOld = signWebhook(older, 'evt_1', '1700000000', body);
    const sigNew = signWebhook(secret, 'evt_1', '1700000000', body);
    expect(verifyWebhookSignature([secret, older], 'evt_1', '1700000000', body, sigOld)).toBe(true);
    expect(verifyWebhookSignature([secret, older], 'evt_1', '1700000000', body, sigNew)).toBe(true);
    expect(verifyWebhookSignature([secret], 'evt_1', '1700000000', body, sigOld)).toBe(false);
    expect(verifyWebhookSignature([], 'evt_1', '1700000000', body, sigNew)).toBe(false);
    expect(signWebhook([secret, older], 'evt_1', '1700000000', body)).toBe(sigNew);
    const d = signedDelivery([older], payload, { id: 'evt_rot', timestamp: NOW / 1000 });
    expect(
      verifyDelivery({
        headers: d.headers,
        rawBody: Buffer.from(d.body),
        secret: [secret, older],
        toleranceS: 300,
        now: NOW,
        guard: new ReplayGuard(600_000),
      }),
    ).toMatchObject({ ok: true });
  });

  it('refuses signatures of the wrong length or not base64 at all, without throwing', () => {
    for (const bad of ['', 'abc', '!!!!', 'cF1PtyCsMnhVR4YSQog2mFPYbNgRE6lm+eKwB1JXevQ=AAAA', 'x'.repeat(500)]) {
      expect(verifyWebhookSignature(secret, 'evt_1', '1700000000', body, bad), bad).toBe(false);
    }
  });

  it('never shows the secret when printed', () => {
    expect(`${secret}`).not.toContain('whsec');
    expect(JSON.stringify({ secret })).not.toContain('whsec');
  });
});

describe('webhook delivery check', () => {
  const at = (offsetS: number, id?: string) => signedDelivery(secret, payload, { id, timestamp: NOW / 1000 + offsetS });

  it('accepts a fresh, correctly signed delivery and returns its payload', () => {
    const d = at(-10, 'evt_ok');
    expect(check(d.headers, d.body)).toEqual({ ok: true, id: 'evt_ok', payload });
  });

  it('refuses a forged signature with 401', () => {
    const d = at(0);
    const forged = {
      ...d.headers,
      [MakiniHeader.webhookSignature]: signWebhook(
        new Secret('attacker-guess-0123456'),
        d.headers[MakiniHeader.webhookId]!,
        d.headers[MakiniHeader.webhookTimestamp]!,
        Buffer.from(d.body),
      ),
    };
    expect(check(forged, d.body)).toMatchObject({ ok: false, status: 401, reason: expect.stringMatching(/signature does not match/) });
  });

  it('refuses a body changed after signing with 401', () => {
    const d = at(0);
    expect(check(d.headers, d.body.replace('acme-sap', 'other-conn'))).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses stale and future-dated deliveries with 401, naming the skew', () => {
    expect(check(at(-301).headers, at(-301).body)).toMatchObject({
      ok: false,
      status: 401,
      reason: expect.stringMatching(/stale delivery: .*301 s old \(tolerance 300 s\)/),
    });
    expect(check(at(400).headers, at(400).body)).toMatchObject({ ok: false, status: 401, reason: expect.stringMatching(/in the future/) });
  });

  it('refuses a replayed delivery id with 409 once it was handed over, but takes a redelivery after a failed hand-off', () => {
    const guard = new ReplayGuard(600_000);
    const d = at(0, 'evt_replay');
    expect(check(d.headers, d.body, guard)).toMatchObject({ ok: true });
    // In flight: a concurrent copy is refused too.
    expect(check(d.headers, d.body, guard)).toMatchObject({ ok: false, status: 409 });
    guard.release('evt_replay'); // the hand-off to Temporal failed: Makini will redeliver
    expect(check(d.headers, d.body, guard)).toMatchObject({ ok: true });
    guard.commit('evt_replay', NOW);
    expect(check(d.headers, d.body, guard)).toMatchObject({
      ok: false,
      status: 409,
      reason: expect.stringMatching(/already received \(replay\)/),
    });
    // Long after, the id is forgotten, but then the staleness check refuses the old timestamp.
    expect(check(d.headers, d.body, guard, NOW + 700_000)).toMatchObject({ ok: false, status: 401 });
  });

  it('names missing headers, a bad timestamp and a malformed body with 400', () => {
    expect(check({}, '{}')).toMatchObject({
      ok: false,
      status: 400,
      reason: expect.stringMatching(/x-webhook-id, x-webhook-timestamp, x-webhook-signature/),
    });
    const d = at(0);
    expect(check({ ...d.headers, [MakiniHeader.webhookTimestamp]: 'yesterday' }, d.body)).toMatchObject({
      ok: false,
      status: 400,
      reason: expect.stringMatching(/Unix seconds/),
    });
    const notJson = signedDelivery(secret, payload, { timestamp: NOW / 1000 });
    const raw = 'not json';
    const h = {
      ...notJson.headers,
      [MakiniHeader.webhookSignature]: signWebhook(
        secret,
        notJson.headers[MakiniHeader.webhookId]!,
        notJson.headers[MakiniHeader.webhookTimestamp]!,
        Buffer.from(raw),
      ),
    };
    expect(check(h, raw)).toMatchObject({ ok: false, status: 400, reason: 'body is not JSON' });
    const noConn = signedDelivery(secret, { type: 'connection.online' } as never, { timestamp: NOW / 1000 });
    expect(check(noConn.headers, noConn.body)).toMatchObject({ ok: false, status: 400, reason: expect.stringMatching(/connectionId/) });
  });
});
