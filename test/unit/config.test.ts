// Settings and connections config: bad input stops start-up with a message naming the setting.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConnections } from '../../src/config/connections.js';
import { Secret, redact } from '../../src/config/secret.js';
import { loadSettings } from '../../src/config/settings.js';
import { createTokenSource } from '../../src/config/token-source.js';

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
  it('redact removes bearer tokens and known secrets', () => {
    expect(redact('Authorization: Bearer abc.def-123 and s3cr3t!', ['s3cr3t!'])).toBe('Authorization: Bearer [redacted] and [redacted]');
    expect(new Secret('x').toJSON()).toBe('[redacted]');
  });
});
