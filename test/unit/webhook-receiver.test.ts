// The webhook receiver over real HTTP: a body over the limit gets its 413 (the answer is sent
// before the connection closes), and during a secret rotation a delivery signed with any of the
// configured secrets is taken, one signed with another secret refused.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import type { ConnectionEvent } from '../../src/connections/control-state.js';
import { createWebhookReceiver, WEBHOOK_PATH } from '../../src/webhooks/receiver.js';
import { postDelivery, signedDelivery } from '../../src/webhooks/signed-delivery.js';
import { post, postChunked } from './post-chunked.js';

const newer = new Secret('whsec-newer-0123456789');
const older = new Secret('whsec-older-0123456789');

describe('webhook receiver', () => {
  const delivered: ConnectionEvent[] = [];
  const server = createWebhookReceiver({
    secret: [newer, older],
    toleranceS: 300,
    deliver: async (e) => void delivered.push(e),
    log: () => undefined,
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

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
      const d = signedDelivery(newer, { type: 'connection.online', connectionId: 'acme-sap' }, { id: 'evt_after_413' });
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
    const payload = { type: 'connection.online', connectionId: 'acme-sap' };
    expect((await postDelivery(url, signedDelivery(newer, payload, { id: 'evt_new' }))).status).toBe(200);
    expect((await postDelivery(url, signedDelivery(older, payload, { id: 'evt_old' }))).status).toBe(200);
    const forged = await postDelivery(url, signedDelivery(new Secret('whsec-other-0123456789'), payload, { id: 'evt_forged' }));
    expect(forged.status).toBe(401);
    expect(delivered.map((e) => e.id)).toEqual(expect.arrayContaining(['evt_new', 'evt_old']));
    expect(delivered.map((e) => e.id)).not.toContain('evt_forged');
  });
});
