import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecServer } from '../../src/codec/codec-server.js';
import { EncryptionCodec, parseEncryptionKeys } from '../../src/codec/encryption-codec.js';

const keySpec = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('EncryptionCodec', () => {
  const oldSpec = keySpec('2026-05');
  const newSpec = keySpec('2026-11');
  const payload = defaultPayloadConverter.toPayload({ vendorKey: 'V-100', price: 4.2 });

  it('encrypts so that no plaintext remains, and decrypts back', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(newSpec));
    const [encrypted] = await codec.encode([payload]);
    expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain('V-100');
    expect(Buffer.from(encrypted!.metadata!['encryption-key-id']!).toString()).toBe('2026-11');
    const [back] = await codec.decode([encrypted!]);
    expect(defaultPayloadConverter.fromPayload(back!)).toEqual({ vendorKey: 'V-100', price: 4.2 });
  });

  it('keeps old payloads readable after a key rotation', async () => {
    const [old] = await new EncryptionCodec(parseEncryptionKeys(oldSpec)).encode([payload]);
    const rotated = new EncryptionCodec(parseEncryptionKeys(`${newSpec},${oldSpec}`));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toEqual({ vendorKey: 'V-100', price: 4.2 });
    const [fresh] = await rotated.encode([payload]);
    expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe('2026-11');
  });

  it('refuses tampered data and unknown keys', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(newSpec));
    const [enc] = await codec.encode([payload]);
    const data = Buffer.from(enc!.data!);
    data[20] = data[20]! ^ 1;
    await expect(codec.decode([{ ...enc!, data }])).rejects.toThrow();
    await expect(new EncryptionCodec(parseEncryptionKeys(oldSpec)).decode([enc!])).rejects.toThrow(/unknown key id "2026-11"/);
  });

  it('rejects bad key settings naming the problem', () => {
    expect(() => parseEncryptionKeys('nocolon')).toThrow(/expected "keyId:base64Key"/);
    expect(() => parseEncryptionKeys('k:c2hvcnQ=')).toThrow(/key "k": expected 32 bytes/);
  });
});

describe('codec server', () => {
  const codec = new EncryptionCodec(parseEncryptionKeys(keySpec('k1')));
  const server = createCodecServer({ codec, authToken: 'ui-secret-token', allowedOrigins: ['http://localhost:8233'] });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const jsonPayload = {
    metadata: { encoding: Buffer.from('json/plain').toString('base64') },
    data: Buffer.from('{"a":1}').toString('base64'),
  };

  it('encodes and decodes for an authorised caller, with CORS for the UI', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: 'Bearer ui-secret-token', origin: 'http://localhost:8233', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const encoded = await post('/encode', { payloads: [jsonPayload] });
    expect(encoded.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    const { payloads } = (await encoded.json()) as { payloads: (typeof jsonPayload)[] };
    expect(Buffer.from(payloads[0]!.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    const decoded = (await (await post('/decode', { payloads })).json()) as { payloads: (typeof jsonPayload)[] };
    expect(decoded.payloads[0]).toEqual(jsonPayload);
  });

  it('refuses callers without the token, and other origins get no CORS grant', async () => {
    const res = await fetch(`${url}/decode`, {
      method: 'POST',
      headers: { authorization: 'Bearer wrong', origin: 'http://evil.example' },
      body: '{"payloads":[]}',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${url}/decode`, { method: 'OPTIONS', headers: { origin: 'http://localhost:8233' } });
    expect(preflight.status).toBe(204);
  });
});
