// The webhook receiver over real HTTP: a delivery as Makini sends it (one signature header, no id
// or timestamp header) is handed over; a redelivery of one already handed over is answered 200 and
// not handed over again, a copy arriving during the hand-off gets that hand-off's answer, and a
// replay is either remembered (24 h) or refused by its payload's timestamp; a body
// over the limit gets its 413 (sent before the connection closes); during a secret rotation a
// delivery signed with any configured secret is taken, one signed with another refused.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/observability/secret.js';
import type { ConnectionEvent } from '../../src/connections/workflow/control-state.js';
import { createWebhookReceiver, WEBHOOK_PATH } from '../../src/webhooks/receiver.js';
import { postDelivery, signedDelivery } from '../../src/webhooks/signed-delivery.js';
import { post, postChunked } from './post-chunked.js';

const newer = new Secret('whsec-newer-0123456789');
const older = new Secret('whsec-older-0123456789');

let n = 0;
/** A connection event no other test sent (the receiver remembers deliveries by their body). */
const fresh = (event = 'connection.online') => ({
  event,
  connection_id: 'acme-sap',
  timestamp: new Date().toISOString(),
  body: { n: ++n },
});

describe('webhook receiver', () => {
  const delivered: ConnectionEvent[] = [];
  /** Set by a test to control the hand-off to Temporal. */
  let deliver: (e: ConnectionEvent) => Promise<void>;
  beforeEach(() => {
    delivered.length = 0;
    deliver = async (e) => void delivered.push(e);
  });
  const server = createWebhookReceiver({
    secret: [newer, older],
    toleranceS: 86_700,
    deliver: (e) => deliver(e),
    log: () => undefined,
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('hands over a delivery signed by Makini’s published sample, carrying no delivery-id or timestamp header', async () => {
    // Makini's check, written out independently (eqcentric/api-docs, docs/webhook/Webhook.md).
    const data = { event: 'connection.online', connection_id: 'acme-sap', timestamp: new Date().toISOString() };
    const signature = createHmac('sha256', newer.reveal()).update(JSON.stringify(data)).digest('base64');
    // Spaced on the wire: Makini signs the JSON, not these bytes.
    const res = await post(url, JSON.stringify(data, null, 2), { 'content-type': 'application/json', 'x-webhook-signature': signature });
    expect(res).toEqual({ status: 200 });
    expect(delivered).toEqual([
      expect.objectContaining({ type: 'connection.online', connectionId: 'acme-sap', id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) }),
    ]);
  });

  it('answers a redelivery of a delivery already handed over with 200, without handing it over again', async () => {
    const d = signedDelivery(newer, fresh());
    const first = await postDelivery(url, d);
    expect(first.status).toBe(200);
    const id = (JSON.parse(first.body) as { id: string }).id;
    // Makini did not get that 200 (lost, or later than its 10 s): it redelivers, as often as it takes.
    for (let i = 0; i < 3; i++) expect(JSON.parse((await postDelivery(url, d)).body)).toEqual({ received: true, id, duplicate: true });
    expect(delivered.map((e) => e.id)).toEqual([id]);
    // Another event is its own delivery.
    expect((await postDelivery(url, signedDelivery(newer, fresh()))).status).toBe(200);
    expect(delivered).toHaveLength(2);
  });

  it('gives a copy arriving during the hand-off that hand-off’s answer; after a failed hand-off the redelivery is handed over', async () => {
    let finish!: () => void;
    deliver = (e) => new Promise<void>((resolve) => (finish = () => (delivered.push(e), resolve())));
    const d = signedDelivery(newer, fresh());
    const both = Promise.all([postDelivery(url, d), postDelivery(url, d)]);
    await new Promise((r) => setTimeout(r, 200));
    finish();
    expect((await both).map((r) => r.status)).toEqual([200, 200]);
    expect(delivered).toHaveLength(1);

    deliver = () => Promise.reject(new Error('Temporal is down'));
    const e = signedDelivery(newer, fresh());
    expect((await postDelivery(url, e)).status).toBe(503);
    deliver = async (ev) => void delivered.push(ev);
    expect(JSON.parse((await postDelivery(url, e)).body)).not.toHaveProperty('duplicate');
    expect(delivered).toHaveLength(2);
  });

  it('acknowledges an authentic event that names no connection (Makini’s data events) and hands nothing over', async () => {
    const d = signedDelivery(newer, { event: 'assets.updated', body: ['16c69269-0432-4382-b48f-eb3538b4b3d7'] });
    const res = await postDelivery(url, d);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ received: true, handedOver: false });
    expect(delivered).toEqual([]);
  });

  it('answers 413 to a body over 1 MiB sent without a length, and closes that connection only after the answer', async () => {
    // One keep-alive connection at a time: a refused body left half-read on a connection the
    // client reuses would garble (or reset) the requests that follow on it.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (const size of [2, 8, 8]) {
        expect(await postChunked(url, size * 1024 * 1024, {}, agent), `${size} MiB`).toEqual({
          status: 413,
          body: '{"error":"body larger than 1048576 bytes"}',
        });
      }
      const d = signedDelivery(newer, fresh());
      expect(await post(url, d.body, d.headers, agent)).toEqual({ status: 200 });
    } finally {
      agent.destroy();
    }
  });

  it('answers 413 to a declared length over 1 MiB without reading the body', async () => {
    const res = await fetch(url, { method: 'POST', body: Buffer.alloc(8 * 1024 * 1024, 'a') });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'body larger than 1048576 bytes' });
  });

  it('takes deliveries signed with the newer or the older secret, and refuses any other', async () => {
    const viaNewer = fresh();
    const viaOlder = fresh();
    expect((await postDelivery(url, signedDelivery(newer, viaNewer))).status).toBe(200);
    expect((await postDelivery(url, signedDelivery(older, viaOlder))).status).toBe(200);
    const forged = await postDelivery(url, signedDelivery(new Secret('whsec-other-0123456789'), fresh()));
    expect(forged.status).toBe(401);
    expect(delivered).toHaveLength(2);
  });
});

describe('webhook receiver, a day later', () => {
  it('answers a replay while it remembers the delivery, and refuses it as stale once it has forgotten it', async () => {
    let clock = Date.now();
    const delivered: ConnectionEvent[] = [];
    const server = createWebhookReceiver({
      secret: newer,
      toleranceS: 86_700,
      deliver: async (e) => void delivered.push(e),
      log: () => undefined,
      now: () => clock,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`;
      const d = signedDelivery(newer, { event: 'connection.offline', connection_id: 'acme-sap', timestamp: new Date(clock).toISOString() });
      expect((await postDelivery(url, d)).status).toBe(200);
      // Makini's last redelivery comes up to 24 h later: still remembered, acknowledged.
      clock += 24 * 3600 * 1000;
      expect(JSON.parse((await postDelivery(url, d)).body)).toMatchObject({ duplicate: true });
      // Past the tolerance the digest may be forgotten, and the event's own timestamp refuses it.
      clock += 2 * 3600 * 1000;
      expect(await postDelivery(url, d)).toMatchObject({ status: 401, body: expect.stringMatching(/stale event/) });
      expect(delivered).toHaveLength(1);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
