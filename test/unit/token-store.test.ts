// The default OAuth token store: one file per connection, 0600, replaced atomically, encrypted with
// the payload keys and bound to its connection; symlinks and clear text refused.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, stat, symlink, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/observability/secret.js';
import { FileTokenStore, TokenStoreError, type StoredTokens } from '../../src/config/token-store.js';

const key = (id: string) => ({ id, key: new Uint8Array(randomBytes(32)) });
const tokens = (n: number): StoredTokens => ({
  accessToken: new Secret(`access-token-${n}-${'a'.repeat(40)}`),
  refreshToken: new Secret(`refresh-token-${n}-${'r'.repeat(40)}`),
  expiresAt: 1_000_000 + n,
  obtainedAt: 500_000 + n,
});

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'token-store-')), 'tokens');
});

describe('FileTokenStore', () => {
  it('writes a file only its owner can read, in a 0700 directory, and reads the tokens back', async () => {
    const store = new FileTokenStore({ dir, keys: [key('k1')] });
    await store.write('acme-sap', tokens(1));
    expect((await stat(join(dir, 'acme-sap.tokens.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const back = await store.read('acme-sap');
    expect(back?.accessToken.reveal()).toBe(tokens(1).accessToken.reveal());
    expect(back?.refreshToken.reveal()).toBe(tokens(1).refreshToken.reveal());
    expect(back).toMatchObject({ expiresAt: tokens(1).expiresAt, obtainedAt: tokens(1).obtainedAt });
    expect(await store.read('other')).toBeUndefined();
  });

  it('encrypts: neither token is in the file; another connection name or a changed byte does not decrypt', async () => {
    const store = new FileTokenStore({ dir, keys: [key('k1')] });
    await store.write('acme-sap', tokens(1));
    const file = join(dir, 'acme-sap.tokens.json');
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('access-token-1');
    expect(text).not.toContain('refresh-token-1');
    await copyFile(file, join(dir, 'acme-dyn.tokens.json'));
    await chmod(join(dir, 'acme-dyn.tokens.json'), 0o600);
    await expect(store.read('acme-dyn')).rejects.toThrow(/does not decrypt/);
    const parsed = JSON.parse(text) as { data: string };
    const bytes = Buffer.from(parsed.data, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    await writeFile(file, JSON.stringify({ ...parsed, data: bytes.toString('base64') }));
    await expect(store.read('acme-sap')).rejects.toThrow(/does not decrypt/);
  });

  it('reads files written with an older key after a rotation (newest first), writes with the newest', async () => {
    const old = key('2026-05');
    await new FileTokenStore({ dir, keys: [old] }).write('acme-sap', tokens(1));
    const rotated = new FileTokenStore({ dir, keys: [key('2026-11'), old] });
    expect((await rotated.read('acme-sap'))?.accessToken.reveal()).toBe(tokens(1).accessToken.reveal());
    await rotated.write('acme-sap', tokens(2));
    expect(JSON.parse(await readFile(join(dir, 'acme-sap.tokens.json'), 'utf8'))).toMatchObject({ keyId: '2026-11' });
  });

  it('replaces atomically: concurrent reads during many writes always see one whole set of tokens, and no temp file is left', async () => {
    const store = new FileTokenStore({ dir, keys: [key('k1')] });
    await store.write('acme-sap', tokens(0));
    const seen: number[] = [];
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const t = await store.read('acme-sap');
        const n = Number(/access-token-(\d+)-/.exec(t!.accessToken.reveal())![1]);
        // Access token, refresh token and times always belong together.
        expect(t!.refreshToken.reveal()).toBe(tokens(n).refreshToken.reveal());
        expect(t!.expiresAt).toBe(tokens(n).expiresAt);
        seen.push(n);
      }
    })();
    for (let n = 1; n <= 60; n += 1) await store.write('acme-sap', tokens(n));
    writing = false;
    await reader;
    expect(seen.length).toBeGreaterThan(0);
    expect((await store.read('acme-sap'))?.accessToken.reveal()).toBe(tokens(60).accessToken.reveal());
    expect(await readdir(dir)).toEqual(['acme-sap.tokens.json']);
  });

  it('refuses a symlink at the token path, for reading and for writing, and leaves its target alone', async () => {
    const store = new FileTokenStore({ dir, keys: [key('k1')] });
    await store.write('seed', tokens(1)); // creates the directory
    const target = join(dir, '..', 'elsewhere.txt');
    await writeFile(target, 'not yours', { mode: 0o600 });
    await symlink(target, join(dir, 'acme-sap.tokens.json'));
    await expect(store.read('acme-sap')).rejects.toThrow(/symlink: refused/);
    await expect(store.write('acme-sap', tokens(2))).rejects.toThrow(/symlink: refused/);
    expect(await readFile(target, 'utf8')).toBe('not yours');
  });

  it('refuses a token file other users can read', async () => {
    const store = new FileTokenStore({ dir, keys: [key('k1')] });
    await store.write('acme-sap', tokens(1));
    await chmod(join(dir, 'acme-sap.tokens.json'), 0o644);
    await expect(store.read('acme-sap')).rejects.toThrow(/readable by other users \(mode 644\)/);
  });

  it('refuses to store in clear text unless allowed; a clear file is refused by a store with keys and no permission', async () => {
    expect(() => new FileTokenStore({ dir })).toThrow(TokenStoreError);
    expect(() => new FileTokenStore({ dir })).toThrow(/MAKINI_WRITES_ENCRYPTION_KEYS.*MAKINI_OAUTH_STORE_CLEARTEXT=true/);
    const clear = new FileTokenStore({ dir, allowClearText: true });
    await clear.write('acme-sap', tokens(1));
    expect((await clear.read('acme-sap'))?.accessToken.reveal()).toBe(tokens(1).accessToken.reveal());
    await expect(new FileTokenStore({ dir, keys: [key('k1')] }).read('acme-sap')).rejects.toThrow(/in clear text: refused/);
  });

  it('never puts a token in an error message, and refuses a connection id that is a path', async () => {
    const store = new FileTokenStore({ dir, keys: [key('k1')] });
    await expect(store.write('../escape', tokens(1))).rejects.toThrow(/not a connection id/);
    await store.write('acme-sap', tokens(1));
    const wrongKey = new FileTokenStore({ dir, keys: [{ id: 'k1', key: new Uint8Array(randomBytes(32)) }] });
    const err = (await wrongKey.read('acme-sap').catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/does not decrypt/);
    expect(err.message).not.toContain('token-1');
  });
});
