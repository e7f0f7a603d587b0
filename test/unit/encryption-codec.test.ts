import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure, defaultPayloadConverter, type Payload, type SerializationContext } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecServer } from '../../src/codec/codec-server.js';
import { dataConverterFromSetting, encryptionOptions, FAILURE_CONVERTER_PATH } from '../../src/codec/data-converter.js';
import { EncryptionCodec, parseEncryptionKeys, WORKFLOW_ID_METADATA } from '../../src/codec/encryption-codec.js';
import { failureConverter } from '../../src/codec/workflow/failure-converter.js';
import { loadEncryptionSettings, loadSettings } from '../../src/config/settings.js';
import { post, postChunked } from './post-chunked.js';

const keySpec = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('EncryptionCodec', () => {
  const oldSpec = keySpec('2026-05');
  const newSpec = keySpec('2026-11');
  const original = { vendorKey: 'V-100', price: 4.2 };
  const payload = defaultPayloadConverter.toPayload(original);

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
    expect(() => parseEncryptionKeys('k:c2hvcnQ=')).toThrow(/entry 1: expected a key of 32 bytes/);
  });

  it('refuses two keys under one id, wherever they are listed (the older would shadow the newer)', () => {
    const dup = `2026-11:${randomBytes(32).toString('base64')}`;
    expect(() => parseEncryptionKeys(`${dup},${oldSpec},${keySpec('2026-11')}`)).toThrow(/entries 1 and 3 have the same key id/);
    const keys = [...parseEncryptionKeys(newSpec), ...parseEncryptionKeys(keySpec('2026-11'))];
    expect(() => new EncryptionCodec(keys)).toThrow(/same key id/);
  });

  it('never prints key material, whatever is wrong with an entry', () => {
    const key = randomBytes(32).toString('base64');
    const hex = randomBytes(32).toString('hex');
    const unpadded = key.replace(/=+$/, '');
    for (const [spec, why] of [
      [`${key}:2026-11`, /key comes before its id/], // written the wrong way round
      [`${unpadded}:2026-11`, /key comes before its id/],
      [`${hex}:2026-11`, /entry 1/], // a hex key where the id goes
      [`2026-11:${hex}`, /entry 1: expected a key of 32 bytes/],
      [key, /entry 1: expected "keyId:base64Key"/], // no id at all
      [`${newSpec},k:${key.slice(0, 20)}`, /entry 2/],
    ] as const) {
      let message = '';
      try {
        parseEncryptionKeys(spec);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, spec).toMatch(why);
      for (const material of [key, unpadded, hex, key.slice(0, 20)]) expect(message).not.toContain(material);
      // The settings check (what start-up prints) neither.
      expect(() => loadSettings({ MAKINI_WRITES_ENCRYPTION_KEYS: spec })).toThrow(/MAKINI_WRITES_ENCRYPTION_KEYS/);
      try {
        loadEncryptionSettings({ MAKINI_WRITES_ENCRYPTION_KEYS: spec });
      } catch (err) {
        for (const material of [key, unpadded, hex]) expect((err as Error).message).not.toContain(material);
      }
    }
  });

  it('names the key id when a payload does not decrypt: wrong key under that id, or unknown id', async () => {
    const [enc] = await new EncryptionCodec(parseEncryptionKeys(newSpec)).encode([payload]);
    const sameIdOtherKey = new EncryptionCodec(parseEncryptionKeys(keySpec('2026-11')));
    const wrong = await sameIdOtherKey.decode([enc!]).catch((e: Error) => e);
    expect((wrong as Error).message).toMatch(/key id "2026-11" does not decrypt: the key listed under that id is not the one/);
    const unknown = await new EncryptionCodec(parseEncryptionKeys(oldSpec)).decode([enc!]).catch((e: Error) => e);
    expect((unknown as Error).message).toMatch(/unknown key id "2026-11": MAKINI_WRITES_ENCRYPTION_KEYS lists "2026-05"; add that key/);
  });

  it('passes plain payloads through, unless strict, which refuses them', async () => {
    const lenient = new EncryptionCodec(parseEncryptionKeys(newSpec));
    expect(await lenient.decode([payload])).toEqual([payload]);
    const strict = new EncryptionCodec(parseEncryptionKeys(newSpec), { strict: true });
    await expect(strict.decode([payload])).rejects.toThrow(
      /not encrypted \(encoding "json\/plain"\): MAKINI_WRITES_ENCRYPTION_STRICT=true/,
    );
    await expect(strict.decode([{ data: new Uint8Array([1]) }])).rejects.toThrow(/not encrypted/);
    // Encrypted payloads still decode.
    expect(defaultPayloadConverter.fromPayload((await strict.decode(await strict.encode([payload])))[0]!)).toEqual({
      vendorKey: 'V-100',
      price: 4.2,
    });
    expect(() => loadSettings({ MAKINI_WRITES_ENCRYPTION_STRICT: 'true' })).toThrow(/STRICT: "true" needs MAKINI_WRITES_ENCRYPTION_KEYS/);
    expect(() => loadSettings({ MAKINI_WRITES_ENCRYPTION_STRICT: 'yes' })).toThrow(/MAKINI_WRITES_ENCRYPTION_STRICT: "true" or "false"/);
    expect(
      loadSettings({ MAKINI_WRITES_ENCRYPTION_KEYS: newSpec, MAKINI_WRITES_ENCRYPTION_STRICT: 'true' }).MAKINI_WRITES_ENCRYPTION_STRICT,
    ).toBe(true);
    expect(loadSettings({}).MAKINI_WRITES_ENCRYPTION_STRICT).toBe(false);
  });

  it('binds each ciphertext to its workflow: refused when read for another workflow, or when the binding is changed', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(newSpec));
    const ofA: SerializationContext = { type: 'workflow', namespace: 'default', workflowId: 'purchase-order/create/acme/a' };
    const activityOfA: SerializationContext = {
      type: 'activity',
      namespace: 'default',
      workflowId: ofA.workflowId,
      activityId: '1',
      isLocal: false,
    };
    const ofB: SerializationContext = { type: 'workflow', namespace: 'default', workflowId: 'purchase-order/create/acme/b' };
    const value = async (p: Promise<Payload[]>) => defaultPayloadConverter.fromPayload((await p)[0]!);
    const [bound] = await codec.encode([payload], ofA);
    expect(Buffer.from(bound!.metadata![WORKFLOW_ID_METADATA]!).toString()).toBe(ofA.workflowId);
    expect(await value(codec.decode([bound!], ofA))).toEqual(original);
    expect(await value(codec.decode([bound!], activityOfA))).toEqual(original); // an activity of that workflow
    expect(await value(codec.decode([bound!]))).toEqual(original); // no context (codec server): the binding is still authenticated
    await expect(codec.decode([bound!], ofB)).rejects.toThrow(
      /payload of workflow "purchase-order\/create\/acme\/a" read for workflow "purchase-order\/create\/acme\/b"/,
    );
    // Rebinding in the metadata, or dropping the binding, breaks authentication.
    const rebound = { ...bound!, metadata: { ...bound!.metadata, [WORKFLOW_ID_METADATA]: Buffer.from(ofB.workflowId) } };
    await expect(codec.decode([rebound], ofB)).rejects.toThrow(/does not decrypt/);
    const { [WORKFLOW_ID_METADATA]: _dropped, ...unbound } = bound!.metadata!;
    await expect(codec.decode([{ ...bound!, metadata: unbound }], ofB)).rejects.toThrow(/does not decrypt/);
    // Payloads encrypted without a context (before binding existed, or by the codec server) still decrypt anywhere.
    const [legacy] = await codec.encode([payload]);
    expect(legacy!.metadata).not.toHaveProperty(WORKFLOW_ID_METADATA);
    expect(await value(codec.decode([legacy!], ofB))).toEqual(original);
  });
});

describe('strict mode and payloads bound to no workflow', () => {
  const spec = keySpec('2026-11');
  const value = { vendorKey: 'V-100', price: 4.2 };
  const payload = defaultPayloadConverter.toPayload(value);
  const ofB: SerializationContext = { type: 'workflow', namespace: 'default', workflowId: 'purchase-order/create/acme/b' };
  const activityOfB: SerializationContext = { ...ofB, type: 'activity', activityId: '1', isLocal: false };
  const read = async (p: Promise<Payload[]>) => defaultPayloadConverter.fromPayload((await p)[0]!);

  it("refuses, for any workflow, a payload encrypted without a binding (what the codec server's POST /encode makes)", async () => {
    const strict = new EncryptionCodec(parseEncryptionKeys(spec), { strict: true });
    // Made the way a holder of the codec server's token makes one: POST /encode, no workflow named.
    const server = createCodecServer({ codec: strict, authToken: 'codec-token-0123456789', allowedOrigins: [] });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    let unbound: Payload;
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/encode`, {
        method: 'POST',
        headers: { authorization: 'Bearer codec-token-0123456789', 'content-type': 'application/json' },
        body: JSON.stringify({
          payloads: [
            { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(payload.data!).toString('base64') },
          ],
        }),
      });
      const { payloads } = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
      unbound = {
        metadata: Object.fromEntries(Object.entries(payloads[0]!.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
        data: new Uint8Array(Buffer.from(payloads[0]!.data, 'base64')),
      };
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(unbound.metadata).not.toHaveProperty(WORKFLOW_ID_METADATA);
    for (const context of [ofB, activityOfB]) {
      await expect(strict.decode([unbound], context)).rejects.toThrow(
        /refused a payload bound to no workflow, read for workflow "purchase-order\/create\/acme\/b": MAKINI_WRITES_ENCRYPTION_STRICT=true accepts only payloads bound to their workflow \(MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND=true during a migration\)/,
      );
    }
    // A person reading it through the codec server (no workflow named) still can; a bound payload decodes.
    expect(await read(strict.decode([unbound]))).toEqual(value);
    expect(await read(strict.decode(await strict.encode([payload], ofB), ofB))).toEqual(value);
    // Not strict: as before, unbound payloads (histories from before binding existed) decode anywhere.
    expect(await read(new EncryptionCodec(parseEncryptionKeys(spec)).decode([unbound], ofB))).toEqual(value);
  });

  it('accepts unbound payloads in strict mode during a migration, when MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND=true', async () => {
    const [unbound] = await new EncryptionCodec(parseEncryptionKeys(spec)).encode([payload]);
    const migrating = dataConverterFromSetting(spec, { strict: true, allowUnbound: true })!.payloadCodecs![0]!;
    expect(await read(migrating.decode([unbound!], ofB))).toEqual(value);
    // Plain payloads stay refused: the switch is about the binding only.
    await expect(migrating.decode([payload], ofB)).rejects.toThrow(/not encrypted/);
    const strictOnly = dataConverterFromSetting(spec, { strict: true })!.payloadCodecs![0]!;
    await expect(strictOnly.decode([unbound!], ofB)).rejects.toThrow(/bound to no workflow/);
  });

  it('reads the migration switch from the settings, only beside strict mode', () => {
    const base = { MAKINI_WRITES_ENCRYPTION_KEYS: spec, MAKINI_WRITES_ENCRYPTION_STRICT: 'true' };
    expect(loadSettings(base).MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND).toBe(false);
    expect(loadSettings({ ...base, MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND: 'true' }).MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND).toBe(true);
    expect(encryptionOptions(loadEncryptionSettings({ ...base, MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND: 'true' }))).toEqual({
      strict: true,
      allowUnbound: true,
    });
    expect(() => loadSettings({ MAKINI_WRITES_ENCRYPTION_KEYS: spec, MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND: 'true' })).toThrow(
      /MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND: "true" is a migration switch of strict mode: it needs MAKINI_WRITES_ENCRYPTION_STRICT=true/,
    );
    expect(() => loadSettings({ ...base, MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND: 'yes' })).toThrow(
      /MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND: "true" or "false"/,
    );
  });
});

describe('production data converter', () => {
  it('is plain without keys; with keys, encrypts payloads and encodes failure messages and stack traces', async () => {
    expect(dataConverterFromSetting(undefined)).toBeUndefined();
    const dc = dataConverterFromSetting(keySpec('k1'), { strict: true });
    expect(dc?.failureConverterPath).toBe(FAILURE_CONVERTER_PATH);
    expect(dc?.payloadCodecs?.[0]).toBeInstanceOf(EncryptionCodec);
    // What the SDK loads from that path (the worker), and what it bundles into the workflows.
    const loaded = loadDataConverter(dc);
    expect(failureConverter.options.encodeCommonAttributes).toBe(true);
    expect((loaded.failureConverter as typeof failureConverter).options).toEqual({ encodeCommonAttributes: true });
    const failure = loaded.failureConverter.errorToFailure(
      ApplicationFailure.create({ type: 'WriteRestrictionViolated', message: 'vendor V-secret refused' }),
      loaded.payloadConverter,
    );
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(JSON.stringify(failure)).not.toContain('V-secret');
    expect(failure.encodedAttributes).toBeTruthy();
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

  it('answers 413 to a body over the limit, before closing the connection', async () => {
    const small = createCodecServer({ codec, authToken: 'ui-secret-token', allowedOrigins: [], maxBodyBytes: 1024 * 1024 });
    await new Promise<void>((r) => small.listen(0, '127.0.0.1', r));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 }); // the connection is not reused half-read
    const decode = `http://127.0.0.1:${(small.address() as AddressInfo).port}/decode`;
    try {
      for (const size of [2, 8]) {
        const answer = await postChunked(decode, size * 1024 * 1024, { authorization: 'Bearer ui-secret-token' }, agent);
        expect(answer).toMatchObject({ status: 413, body: expect.stringMatching(/larger than 1048576 bytes/) });
      }
      expect(await post(decode, '{"payloads":[]}', { authorization: 'Bearer ui-secret-token' }, agent)).toEqual({ status: 200 });
    } finally {
      agent.destroy();
      await new Promise<void>((r) => small.close(() => r()));
    }
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
