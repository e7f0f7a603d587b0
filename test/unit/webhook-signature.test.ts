// Webhook deliveries as Makini signs them (base64 HMAC-SHA256 over JSON.stringify of the delivered
// JSON, checked against openssl and against Makini's published sample), the forms its docs also
// describe (raw body, hex), and every refusal the receiver makes before anything reaches Temporal:
// bad signature, stale (only by a timestamp the payload carries), malformed.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/observability/secret.js';
import { eventTimeMs } from '../../src/webhooks/payload.js';
import { signWebhook, verifyWebhookSignature } from '../../src/webhooks/signature.js';
import { signedDelivery } from '../../src/webhooks/signed-delivery.js';
import { verifyDelivery } from '../../src/webhooks/verify-delivery.js';

const secret = new Secret('whsec-test-0123456789');
const payload = { event: 'connection.online', connection_id: 'acme-sap' };
const compact = Buffer.from(JSON.stringify(payload));
const NOW = 1_700_000_000_000;
const DAY_S = 86_400;

/** Makini's published check, written out independently of src/ (docs/webhook/Webhook.md). */
const makiniSignature = (key: string, data: unknown) => createHmac('sha256', key).update(JSON.stringify(data)).digest('base64');

const check = (headers: Record<string, string>, raw: Buffer | string, opts: { now?: number; signatureHeader?: string } = {}) =>
  verifyDelivery({
    headers,
    rawBody: Buffer.isBuffer(raw) ? raw : Buffer.from(raw),
    secret,
    signatureHeader: opts.signatureHeader ?? 'x-webhook-signature',
    toleranceS: DAY_S + 300,
    now: opts.now ?? NOW,
  });
const signed = (raw: string, signature = makiniSignature(secret.reveal(), JSON.parse(raw))) => ({ 'x-webhook-signature': signature });

describe('webhook signature', () => {
  it('is base64 HMAC-SHA256 over JSON.stringify of the payload (same as openssl)', () => {
    // printf '{"event":"connection.online","connection_id":"acme-sap"}' | openssl dgst -sha256 -hmac 'whsec-test-0123456789' -binary | base64
    expect(signWebhook(secret, payload)).toBe('+U8oaPlfRR8ImGBjGpfNmOHkqebKwNnb8YqqPc9xHgw=');
    expect(signWebhook(secret, payload)).toBe(makiniSignature(secret.reveal(), payload));
  });

  it('verifies Makini’s signature over the parsed JSON even when the bytes on the wire differ from JSON.stringify', () => {
    const pretty = Buffer.from(JSON.stringify(payload, null, 2));
    const sig = makiniSignature(secret.reveal(), payload);
    expect(verifyWebhookSignature(secret, { rawBody: compact, parsed: payload }, sig)).toBe(true);
    expect(verifyWebhookSignature(secret, { rawBody: pretty, parsed: JSON.parse(pretty.toString()) }, sig)).toBe(true);
  });

  it('also verifies an HMAC of the raw body, and a hex signature (the other version of Makini’s page)', () => {
    const pretty = `${JSON.stringify(payload, null, 2)}\n`;
    const overRaw = createHmac('sha256', secret.reveal()).update(pretty).digest();
    const parsed = JSON.parse(pretty) as unknown;
    expect(verifyWebhookSignature(secret, { rawBody: Buffer.from(pretty), parsed }, overRaw.toString('base64'))).toBe(true);
    expect(verifyWebhookSignature(secret, { rawBody: Buffer.from(pretty), parsed }, overRaw.toString('hex'))).toBe(true);
    expect(verifyWebhookSignature(secret, { rawBody: Buffer.from(pretty), parsed }, overRaw.toString('hex').toUpperCase())).toBe(true);
    // printf '{"event":"connection.online","connection_id":"acme-sap"}' | openssl dgst -sha256 -hmac 'whsec-test-0123456789' -hex
    const hex = 'f94f2868f95f451f089860631a97cd98e1e4a9e6cac0d9dbf18aaa3dcf711e0c';
    expect(verifyWebhookSignature(secret, { rawBody: compact, parsed: payload }, hex)).toBe(true);
  });

  it('refuses any change to the payload or the secret', () => {
    const sig = signWebhook(secret, payload);
    const other = { ...payload, connection_id: 'other-conn' };
    expect(verifyWebhookSignature(secret, { rawBody: Buffer.from(JSON.stringify(other)), parsed: other }, sig)).toBe(false);
    expect(verifyWebhookSignature(new Secret('another-secret-0123456'), { rawBody: compact, parsed: payload }, sig)).toBe(false);
  });

  it('during a rotation verifies with any configured secret and signs with the newest (first)', () => {
    const older = new Secret('whsec-older-0123456789');
    const content = { rawBody: compact, parsed: payload };
    expect(verifyWebhookSignature([secret, older], content, signWebhook(older, payload))).toBe(true);
    expect(verifyWebhookSignature([secret, older], content, signWebhook(secret, payload))).toBe(true);
    expect(verifyWebhookSignature([secret], content, signWebhook(older, payload))).toBe(false);
    expect(verifyWebhookSignature([], content, signWebhook(secret, payload))).toBe(false);
    expect(signWebhook([secret, older], payload)).toBe(signWebhook(secret, payload));
  });

  it('refuses signatures of the wrong length or not base64/hex at all, without throwing', () => {
    const good = signWebhook(secret, payload);
    for (const bad of ['', 'abc', '!!!!', `${good}AAAA`, good.slice(0, -4), 'x'.repeat(500), 'f'.repeat(63), 'g'.repeat(64)]) {
      expect(verifyWebhookSignature(secret, { rawBody: compact, parsed: payload }, bad), bad).toBe(false);
    }
  });

  it('never shows the secret when printed', () => {
    expect(`${secret}`).not.toContain('whsec');
    expect(JSON.stringify({ secret })).not.toContain('whsec');
  });
});

describe('webhook delivery check', () => {
  it('accepts a delivery signed by Makini’s published sample, with no delivery-id or timestamp header', () => {
    const raw = JSON.stringify({ ...payload, timestamp: new Date(NOW - 5_000).toISOString() });
    const verdict = check(signed(raw), raw);
    expect(verdict).toMatchObject({ ok: true, event: { type: 'connection.online', connectionId: 'acme-sap' } });
    // The delivery is known by a digest of what was signed: the same event, however spaced, is one delivery.
    const spaced = JSON.stringify(JSON.parse(raw), null, 1);
    expect(check(signed(spaced), spaced)).toMatchObject({ ok: true, digest: (verdict as { digest: string }).digest });
  });

  it('reads Makini’s published payload fields and the other names the same fields may carry', () => {
    const published = JSON.stringify({ event: 'assets.updated', body: ['16c69269-0432-4382-b48f-eb3538b4b3d7'] });
    expect(check(signed(published), published)).toMatchObject({ ok: true, event: { type: 'assets.updated', connectionId: undefined } });
    const camel = JSON.stringify({ type: 'connection.offline', connectionId: 'acme-sap', data: { reason: 'down' } });
    expect(check(signed(camel), camel)).toMatchObject({ ok: true, event: { type: 'connection.offline', connectionId: 'acme-sap' } });
  });

  it('takes the signature from the configured header', () => {
    const raw = JSON.stringify(payload);
    expect(
      check({ 'x-makini-signature': makiniSignature(secret.reveal(), payload) }, raw, { signatureHeader: 'x-makini-signature' }),
    ).toMatchObject({
      ok: true,
    });
    expect(check(signed(raw), raw, { signatureHeader: 'x-makini-signature' })).toMatchObject({
      ok: false,
      status: 400,
      reason: 'missing header x-makini-signature (the signature)',
    });
  });

  it('refuses a forged signature, and a body changed after signing, with 401', () => {
    const raw = JSON.stringify(payload);
    expect(check(signed(raw, makiniSignature('attacker-guess-0123456', payload)), raw)).toMatchObject({
      ok: false,
      status: 401,
      reason: expect.stringMatching(/signature does not match/),
    });
    expect(check(signed(raw), raw.replace('acme-sap', 'other-conn'))).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses an event older than the tolerance, or dated ahead, by the timestamp its payload carries', () => {
    const at = (offsetS: number, form: 'iso' | 's' | 'ms' = 'iso') => {
      const ms = NOW + offsetS * 1000;
      const d = signedDelivery(secret, {
        ...payload,
        timestamp: form === 'iso' ? new Date(ms).toISOString() : form === 's' ? ms / 1000 : ms,
      });
      return check(d.headers, d.body);
    };
    // Makini redelivers for up to 24 h: a day-old event is still taken.
    expect(at(-DAY_S)).toMatchObject({ ok: true });
    expect(at(-DAY_S, 's')).toMatchObject({ ok: true });
    expect(at(-(DAY_S + 301))).toMatchObject({
      ok: false,
      status: 401,
      reason: `stale event: its timestamp is ${DAY_S + 301} s old (tolerance ${DAY_S + 300} s)`,
    });
    expect(at(-(DAY_S + 301), 's')).toMatchObject({ ok: false, status: 401 });
    expect(at(-(DAY_S + 301), 'ms')).toMatchObject({ ok: false, status: 401 });
    expect(at(400)).toMatchObject({ ok: false, status: 401, reason: expect.stringMatching(/400 s ahead/) });
  });

  it('does not check the staleness of a payload without a timestamp, or with one in a form it cannot read', () => {
    for (const timestamp of [undefined, 'yesterday', 'May 1']) {
      const d = signedDelivery(secret, { ...payload, ...(timestamp ? { timestamp } : {}) });
      expect(check(d.headers, d.body, { now: NOW + 400 * DAY_S * 1000 }), String(timestamp)).toMatchObject({ ok: true });
    }
    expect(eventTimeMs('2023-11-14T22:13:20Z')).toBe(NOW);
    expect(eventTimeMs('1700000000')).toBe(NOW);
    expect(eventTimeMs(NOW)).toBe(NOW);
  });

  it('names a missing signature, a malformed body and a missing event name with 400', () => {
    expect(check({}, '{}')).toMatchObject({ ok: false, status: 400, reason: 'missing header x-webhook-signature (the signature)' });
    const notJson = 'not json';
    expect(check(signed('{}', createHmac('sha256', secret.reveal()).update(notJson).digest('base64')), notJson)).toMatchObject({
      ok: false,
      status: 400,
      reason: 'body is not JSON',
    });
    const noEvent = JSON.stringify({ connection_id: 'acme-sap' });
    expect(check(signed(noEvent), noEvent)).toMatchObject({ ok: false, status: 400, reason: expect.stringMatching(/event name/) });
    const badConn = JSON.stringify({ event: 'connection.online', connection_id: '../x' });
    expect(check(signed(badConn), badConn)).toMatchObject({
      ok: false,
      status: 400,
      reason: expect.stringMatching(/connection_id: a connection id/),
    });
  });
});
