// Settings and connections config: bad input stops start-up with a message naming the setting.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConnections } from '../../src/config/connections.js';
import { Secret, redact } from '../../src/observability/secret.js';
import { loadSettings } from '../../src/config/settings.js';
import { createTokenSource } from '../../src/config/token-source.js';
import { TokenUnavailableError } from '../../src/makini/tokens.js';
import { metricsBindAddress } from '../../src/worker.js';

describe('settings', () => {
  it('applies defaults', () => {
    const s = loadSettings({});
    expect(s.TEMPORAL_TASK_QUEUE).toBe('makini-writes');
    expect(s.MAKINI_BASE_URL).toBe('https://api.makini.io');
  });
  it('caps the workflow cache only when asked, and refuses a negative cap', () => {
    expect(loadSettings({}).WORKER_MAX_CACHED_WORKFLOWS).toBeUndefined();
    expect(loadSettings({ WORKER_MAX_CACHED_WORKFLOWS: '200' }).WORKER_MAX_CACHED_WORKFLOWS).toBe(200);
    expect(() => loadSettings({ WORKER_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
  });

  it('listens on loopback unless told otherwise: metrics and webhooks (neither has a login)', () => {
    const s = loadSettings({ METRICS_PORT: '9464' });
    expect(s.METRICS_HOST).toBe('127.0.0.1');
    expect(s.MAKINI_WEBHOOK_HOST).toBe('127.0.0.1');
    expect(metricsBindAddress(s)).toBe('127.0.0.1:9464');
    expect(metricsBindAddress(loadSettings({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }))).toBe('0.0.0.0:9464');
    expect(metricsBindAddress(loadSettings({ METRICS_PORT: '9464', METRICS_HOST: '::' }))).toBe('[::]:9464');
    expect(metricsBindAddress(loadSettings({}))).toBeUndefined();
    expect(loadSettings({ MAKINI_WEBHOOK_HOST: '0.0.0.0' }).MAKINI_WEBHOOK_HOST).toBe('0.0.0.0');
    expect(() => loadSettings({ METRICS_HOST: 'example.com', MAKINI_WEBHOOK_HOST: 'nope' })).toThrow(
      /METRICS_HOST: an IPv4 or IPv6 address[\s\S]*MAKINI_WEBHOOK_HOST: an IPv4 or IPv6 address/,
    );
  });

  it('takes several webhook secrets for a rotation, newest first, each long enough, and never prints them', () => {
    const secrets = loadSettings({ MAKINI_WEBHOOK_SECRET: 'whsec-new-0123456789, whsec-old-0123456789' }).MAKINI_WEBHOOK_SECRET!;
    expect(secrets.map((x) => x.reveal())).toEqual(['whsec-new-0123456789', 'whsec-old-0123456789']);
    expect(loadSettings({ MAKINI_WEBHOOK_SECRET: 'whsec-only-0123456789' }).MAKINI_WEBHOOK_SECRET!.map((x) => x.reveal())).toEqual([
      'whsec-only-0123456789',
    ]);
    let message = '';
    try {
      loadSettings({ MAKINI_WEBHOOK_SECRET: 'whsec-new-0123456789,short-one' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/MAKINI_WEBHOOK_SECRET\.1: each secret at least 16 characters/);
    expect(message).not.toMatch(/whsec|short-one/);
    expect(() => loadSettings({ MAKINI_WEBHOOK_SECRET: ' , ' })).toThrow(/MAKINI_WEBHOOK_SECRET: at least one secret/);
  });

  it('reads the webhook signature from X-Webhook-Signature unless told another header, and takes a day-old event by default', () => {
    const s = loadSettings({});
    expect(s.MAKINI_WEBHOOK_SIGNATURE_HEADER).toBe('x-webhook-signature');
    expect(s.MAKINI_WEBHOOK_TOLERANCE_S).toBeGreaterThan(24 * 3600); // Makini redelivers for up to 24 h
    expect(loadSettings({ MAKINI_WEBHOOK_SIGNATURE_HEADER: 'X-Makini-Signature' }).MAKINI_WEBHOOK_SIGNATURE_HEADER).toBe(
      'x-makini-signature',
    );
    expect(() => loadSettings({ MAKINI_WEBHOOK_SIGNATURE_HEADER: 'X Signature:' })).toThrow(
      /MAKINI_WEBHOOK_SIGNATURE_HEADER: an HTTP header name/,
    );
  });

  it('names every bad setting and what was expected', () => {
    expect(() => loadSettings({ MAKINI_BASE_URL: 'not a url', METRICS_PORT: '99999', LOG_LEVEL: 'LOUD' })).toThrow(
      /MAKINI_BASE_URL[\s\S]*METRICS_PORT[\s\S]*LOG_LEVEL/,
    );
    expect(() => loadSettings({ METRICS_PORT: 'abc' })).toThrow(/METRICS_PORT: .*number/i);
  });
});

describe('connections config', () => {
  it('parses YAML and JSON', () => {
    const yaml = parseConnections('connections:\n  - id: acme-sap\n    token: { env: MAKINI_TOKEN_ACME }\n    system: sap\n', 'x.yaml');
    expect(yaml.connections[0]).toMatchObject({ id: 'acme-sap', system: 'sap' });
    const json = parseConnections(JSON.stringify({ connections: [{ id: 'b', token: { file: '/tmp/t' } }] }), 'x.json');
    expect(json.connections[0]?.token).toEqual({ file: '/tmp/t' });
  });
  it('names the bad field of a bad entry', () => {
    expect(() => parseConnections('connections:\n  - id: "bad id"\n    token: { env: lower }\n', 'c.yaml')).toThrow(
      /c\.yaml[\s\S]*connections\.0\.id/,
    );
    expect(() => parseConnections('connections:\n  - { id: a, token: { env: A } }\n  - { id: a, token: { env: B } }\n', 'c.yaml')).toThrow(
      /duplicate connection id "a"/,
    );
  });
  it('reports a YAML syntax error by kind, line and column, never with the line (a token pasted by mistake)', () => {
    const token = 'sk_live_9f8e7d6c5b4a3928';
    for (const [text, kind, line] of [
      [`connections:\n  - id: a\n    token: { env: A, value: ${token}\n`, 'BAD_INDENT', 4],
      [`connections:\n  - id: a\n    token: ${token}: x\n`, 'BLOCK_AS_IMPLICIT_KEY', 3],
      [`connections:\n  - id: a\n    token: "${token}\\q"\n`, 'BAD_DQ_ESCAPE', 3],
      [`connections:\n  - id: a\n    token: { env: A }\n    token: ${token}\n`, 'DUPLICATE_KEY', 4],
    ] as const) {
      let message = '';
      try {
        parseConnections(text, 'c.yaml');
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(new RegExp(`^c\\.yaml: not valid YAML/JSON: YAML syntax error ${kind} at line ${line}, column \\d+`));
      expect(message).not.toContain(token);
      expect(message).not.toContain('sk_live');
    }
  });

  it('names an unknown key by its position, not its text, when it looks like a secret; ordinary unknown keys by name', () => {
    const secretKeys = [
      'ghp_1234567890abcdefghijklmnopqrstuvwxyz', // a GitHub token pasted as a key
      'sk_live_9f8e7d6c5b4a3928', // a vendor's secret key
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', // a JWT
      'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg', // a long random-looking string
    ];
    for (const key of secretKeys) {
      let message = '';
      try {
        parseConnections(JSON.stringify({ connections: [{ id: 'a', token: { env: 'A' }, profile: 'x', [key]: 1 }] }), 'c.json');
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, key).toContain('connections.0: unknown key "profile"');
      expect(message, key).toContain('connections.0: unknown key 4 (of the keys there, in order; not shown: it looks like a secret)');
      expect(message, key).not.toContain(key);
      expect(message, key).not.toContain(key.slice(0, 8));
    }
    // In a token source too.
    let message = '';
    try {
      parseConnections(`connections:\n  - id: a\n    token: { env: A, ${secretKeys[1]}: x }\n`, 'c.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toContain('sk_live');
    expect(message).toMatch(/unknown key 2 \(of the keys there/);
  });
});

describe('tokens', () => {
  it('resolve from env, file and provider, and never print', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tok-'));
    writeFileSync(join(dir, 't'), 'file-token-123\n');
    const src = createTokenSource(
      [
        { id: 'e', token: { env: 'TOK_E' } },
        { id: 'f', token: { file: join(dir, 't') } },
        { id: 'p', token: { provider: 'vault' } },
      ],
      { env: { TOK_E: 'env-token-456' }, providers: { vault: async (id) => `vault-${id}-789` } },
    );
    const e = await src.tokenFor('e');
    expect(e.reveal()).toBe('env-token-456');
    expect((await src.tokenFor('f')).reveal()).toBe('file-token-123');
    expect((await src.tokenFor('p')).reveal()).toBe('vault-p-789');
    for (const shown of [String(e), JSON.stringify({ e }), inspect(e), `${e}`]) expect(shown).not.toContain('env-token-456');
  });
  it('fail clearly without leaking anything', async () => {
    const src = createTokenSource([{ id: 'e', token: { env: 'MISSING_TOKEN' } }], { env: {} });
    await expect(src.tokenFor('nope')).rejects.toThrow(/unknown connection "nope"/);
    await expect(src.tokenFor('e')).rejects.toThrow(/MISSING_TOKEN is not set/);
  });
  it('refuse a token that cannot be sent as a bearer token, naming the connection and the rule, never the token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tok-'));
    // A file may end with a line break (trimmed); a break inside the token is refused.
    writeFileSync(join(dir, 't'), 'part1\nSECRETPART2\n');
    const bad = ['part1\nSECRETPART2', 'part1\rSECRETPART2', 'part1 SECRETPART2', 'part1\u0007SECRETPART2', 'part1\u00e9SECRETPART2'];
    for (const value of bad) {
      const src = createTokenSource(
        [
          { id: 'e', token: { env: 'TOK_E' } },
          { id: 'f', token: { file: join(dir, 't') } },
          { id: 'p', token: { provider: 'vault' } },
        ],
        { env: { TOK_E: value }, providers: { vault: async () => value } },
      );
      for (const id of ['e', 'f', 'p']) {
        const err = await src.tokenFor(id).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(err, `${id} ${JSON.stringify(value)}`).toBeInstanceOf(TokenUnavailableError);
        expect(err!.message).toContain(`connection "${id}"`);
        expect(err!.message).toMatch(/visible ASCII/);
        for (const shown of [err!.message, err!.stack ?? '', inspect(err)]) expect(shown).not.toContain('SECRETPART2');
      }
    }
  });
  it('wrap a failing or misbehaving provider without its error text (it may hold secrets)', async () => {
    const src = createTokenSource([{ id: 'p', token: { provider: 'vault' } }], {
      providers: {
        vault: async () => {
          throw new Error('vault: permission denied for token s.SECRETPART2');
        },
      },
    });
    const err = await src.tokenFor('p').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(TokenUnavailableError);
    expect(err!.message).toMatch(/connection "p": token provider "vault" failed/);
    for (const shown of [err!.message, err!.stack ?? '', inspect(err)]) expect(shown).not.toContain('SECRETPART2');
    const notAString = createTokenSource([{ id: 'p', token: { provider: 'vault' } }], {
      providers: { vault: async () => undefined as unknown as string },
    });
    await expect(notAString.tokenFor('p')).rejects.toThrow(/connection "p": token provider "vault" returned no token/);
  });
  it('redact removes bearer tokens and known secrets', () => {
    expect(redact('Authorization: Bearer abc.def-123 and s3cr3t!', ['s3cr3t!'])).toBe('Authorization: Bearer [redacted] and [redacted]');
    expect(new Secret('x').toJSON()).toBe('[redacted]');
  });
});
