import { LogTimestamp } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/observability/secret.js';
import { createRuntimeLogger } from '../../src/observability/logger.js';
import { knownSecrets, redactDeep } from '../../src/observability/redact.js';

describe('redactDeep', () => {
  const token = 'tok-acme-9f8e7d6c5b';

  it('blanks values under secret-looking keys, at any depth', () => {
    expect(
      redactDeep({
        authorization: 'Bearer abc',
        taskToken: 'AAEC',
        nested: { apiKey: 'k-123', token: token, tokenEnv: 'X' },
        list: [{ password: 'p' }],
      }),
    ).toEqual({
      authorization: '[redacted]',
      taskToken: '[redacted]',
      // A secret word anywhere in the key: the name of a token's variable is blanked too, harmlessly.
      nested: { apiKey: '[redacted]', token: '[redacted]', tokenEnv: '[redacted]' },
      list: [{ password: '[redacted]' }],
    });
  });

  it('blanks values under keys with a secret word anywhere in them, in any case', () => {
    const keys = [
      'tokens',
      'refreshTokens',
      'secretKey',
      'accessKey',
      'AWS_ACCESS_KEY_ID',
      'auth',
      'basicAuth',
      'X-Api-Key',
      'clientSecretValue',
    ];
    const out = redactDeep(Object.fromEntries(keys.map((k) => [k, ['s3cr3t-value']]))) as Record<string, unknown>;
    for (const k of keys) expect(out[k], k).toBe('[redacted]');
    // Ordinary keys stay readable, *Key fields of records among them.
    const plain = { vendorKey: 'V-100', purchaseOrderKey: 'po-1', idempotencyKey: 'order-42', author: 'ops' };
    expect(redactDeep(plain)).toEqual(plain);
  });

  it('blanks the value of an authorization pair in an array (header lists, raw headers)', () => {
    expect(
      redactDeep({
        headers: [
          ['Authorization', 'Basic dXNlcjpwYXNz'],
          ['content-type', 'application/json'],
        ],
        rawHeaders: ['Host', 'api.makini.io', 'authorization', 'Bearer abc.def', 'x-api-key', 'k-777'],
        har: [{ name: 'Cookie', value: 'session=abc123' }],
      }),
    ).toEqual({
      headers: [
        ['Authorization', '[redacted]'],
        ['content-type', 'application/json'],
      ],
      rawHeaders: ['Host', 'api.makini.io', 'authorization', '[redacted]', 'x-api-key', '[redacted]'],
      har: [{ name: 'Cookie', value: '[redacted]' }],
    });
  });

  it('blanks Basic credentials and URL user-info inside any text', () => {
    expect(
      redactDeep({
        message: 'sent Authorization: Basic dXNlcjpwYXNzd29yZA== to https://svc:p4ss-w0rd@makini.example/api and http://tok3n@host:8080/x',
      }),
    ).toEqual({
      message: 'sent Authorization: Basic [redacted] to https://[redacted]@makini.example/api and http://[redacted]@host:8080/x',
    });
    // Prose stays readable.
    expect(redactDeep('basic validation failed; see https://makini.example/docs')).toBe(
      'basic validation failed; see https://makini.example/docs',
    );
  });

  it('never prints the bytes of a Buffer or typed array', () => {
    const bytes = Buffer.from('s3cr3t-key-material');
    const out = JSON.stringify(redactDeep({ key: 1, raw: bytes, view: new Uint8Array(bytes), nested: [bytes.buffer] }));
    expect(out).not.toContain('115'); // the first byte, 's'
    expect(out).not.toContain('s3cr3t');
    expect(JSON.parse(out)).toEqual({
      key: 1,
      raw: '[19 bytes, redacted]',
      view: '[19 bytes, redacted]',
      nested: [expect.stringMatching(/bytes, redacted/)],
    });
  });

  it('blanks known secret values and bearer tokens inside any text', () => {
    const out = redactDeep({ message: `call with ${token} failed`, headers: ['Authorization: Bearer eyJhbGciOi.x.y'] }, [token]);
    expect(out).toEqual({ message: 'call with [redacted] failed', headers: ['Authorization: Bearer [redacted]'] });
  });

  it('keeps everything else, including numbers, booleans and ids', () => {
    const attrs = {
      workflowId: 'purchase-order/create/acme-sap/order-42',
      connectionId: 'acme-sap',
      step: 'read back',
      requestId: 'req_1',
      attempts: 2,
      ok: true,
      nothing: null,
    };
    expect(redactDeep(attrs, [token])).toEqual(attrs);
  });

  it('prints Secret holders and errors without their secret', () => {
    const err = new Error(`refused ${token}`);
    expect(redactDeep({ s: new Secret(token), err }, [token])).toMatchObject({
      s: '[redacted]',
      err: { name: 'Error', message: 'refused [redacted]' },
    });
  });
});

describe('knownSecrets', () => {
  it("collects the connections' env tokens, the Temporal API key and the encryption keys", () => {
    const env = {
      MAKINI_TOKEN_A: 'tok-aaaa',
      MAKINI_TOKEN_B: '',
      TEMPORAL_API_KEY: 'tak-1234',
      MAKINI_WRITES_ENCRYPTION_KEYS: 'k2:QUJDREVGR0g=,k1:SUpLTE1OT1A=',
    };
    expect(knownSecrets(env, ['MAKINI_TOKEN_A', 'MAKINI_TOKEN_B', 'UNSET'])).toEqual([
      'tok-aaaa',
      'tak-1234',
      'QUJDREVGR0g=',
      'SUpLTE1OT1A=',
    ]);
  });

  it('collects each webhook secret of a rotation list', () => {
    const env = { MAKINI_WEBHOOK_SECRET: 'whsec-new-0123456789, whsec-old-0123456789' };
    expect(knownSecrets(env, [])).toEqual(['whsec-new-0123456789', 'whsec-old-0123456789']);
  });
});

describe('the Runtime logger', () => {
  const meta = {
    [LogTimestamp]: 1_793_000_000_000_000_000n,
    workflowId: 'w1',
    connectionId: 'acme-sap',
    step: 'create purchase order with 3 lines',
    requestId: 'req_9',
    taskToken: 'AAEC',
    big: 5n,
  };

  it('writes one JSON object per line with time, level, message and the attributes, secrets blanked', () => {
    const lines: string[] = [];
    createRuntimeLogger('INFO', { format: 'json', secrets: ['tok-zzzz1'], write: (l) => lines.push(l) }).warn(
      'makini call failed: token tok-zzzz1 rejected',
      meta,
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(JSON.parse(lines[0]!)).toEqual({
      time: new Date(1_793_000_000_000).toISOString(),
      level: 'WARN',
      message: 'makini call failed: token [redacted] rejected',
      workflowId: 'w1',
      connectionId: 'acme-sap',
      step: 'create purchase order with 3 lines',
      requestId: 'req_9',
      taskToken: '[redacted]',
      big: '5',
    });
  });

  it('redacts readable (terminal) lines the same way', () => {
    const lines: string[] = [];
    createRuntimeLogger('INFO', { format: 'pretty', colors: false, secrets: ['tok-zzzz1'], write: (l) => lines.push(l) }).warn(
      'makini call failed: token tok-zzzz1 rejected',
      { ...meta, authorization: 'Bearer tok-zzzz1', note: 'sent tok-zzzz1' },
    );
    expect(lines[0]).toMatch(/WARN: makini call failed: token \[redacted\] rejected/);
    expect(lines[0]).toContain('"authorization":"[redacted]"');
    expect(lines[0]).toContain('"note":"sent [redacted]"');
    expect(lines[0]).not.toContain('tok-zzzz1');
  });
});
