// The codec server's token check takes the same constant-time path whatever the caller sends: it
// compares HMACs of both tokens (32 bytes each), so a wrong token of another length is not
// refused any faster than one of the right length, and the expected token's length does not leak.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const compared = vi.hoisted(() => [] as [number, number][]);
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.push([a.byteLength, b.byteLength]);
      return real.timingSafeEqual(a, b);
    },
  };
});

const { createCodecServer } = await import('../../src/codec/codec-server.js');
const { EncryptionCodec } = await import('../../src/codec/encryption-codec.js');

describe('codec server token check', () => {
  const token = 'the-expected-token-0123456789';
  const server = createCodecServer({
    codec: new EncryptionCodec([{ id: 'k1', key: new Uint8Array(32) }]),
    authToken: token,
    allowedOrigins: [],
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/decode`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => void compared.splice(0));

  const post = (bearer: string) =>
    fetch(url, { method: 'POST', headers: { authorization: `Bearer ${bearer}` }, body: '{"payloads":[]}' }).then((r) => r.status);

  it('compares 32-byte digests in constant time for tokens of any length, and accepts only the token', async () => {
    for (const wrong of ['x', 'short', 'a'.repeat(token.length), 'b'.repeat(token.length + 1), 'c'.repeat(500)]) {
      compared.splice(0);
      expect(await post(wrong), wrong).toBe(401);
      expect(compared, `"${wrong}" was compared in constant time`).toEqual([[32, 32]]);
    }
    compared.splice(0);
    expect(await post(token)).toBe(200);
    expect(compared).toEqual([[32, 32]]);
  });
});
