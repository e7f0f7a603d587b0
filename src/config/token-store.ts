// Where a connection's OAuth tokens live between refreshes. `TokenStore` is the seam for a secrets
// manager (inject one through the composition); the default keeps one file per connection:
// mode 0600 in a 0700 directory, replaced atomically (a temp file, fsync, rename), AES-256-GCM
// encrypted with the payload keys (MAKINI_WRITES_ENCRYPTION_KEYS: the newest encrypts, any listed
// key decrypts) and bound to its connection id, so a file copied under another name is refused.
// Without keys it refuses to store tokens unless clear text is explicitly allowed.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { EncryptionKey } from '../codec/encryption-codec.js';
import { Secret } from '../observability/secret.js';

/** A connection's tokens and their times (epoch ms). */
export interface StoredTokens {
  accessToken: Secret;
  refreshToken: Secret;
  /** When the access token expires. */
  expiresAt: number;
  /** When these tokens were obtained: a 401 on a call that started before it was the old token's. */
  obtainedAt: number;
}

/** A store of OAuth tokens per connection. `write` must replace a connection's tokens atomically. */
export interface TokenStore {
  read(connectionId: string): Promise<StoredTokens | undefined>;
  write(connectionId: string, tokens: StoredTokens): Promise<void>;
}

/** A store refused an operation; the message never holds a token. */
export class TokenStoreError extends Error {
  override name = 'TokenStoreError';
}

const plainSchema = z.strictObject({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAt: z.number(),
  obtainedAt: z.number(),
});
const fileSchema = z.union([
  z.strictObject({ v: z.literal(1), keyId: z.string(), iv: z.base64(), data: z.base64() }),
  z.strictObject({ v: z.literal(1), clear: plainSchema }),
]);

const IV_BYTES = 12;
const TAG_BYTES = 16;
const CONNECTION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const aad = (connectionId: string) => Buffer.from(`makini-writes/token-store/${connectionId}`);

export interface FileTokenStoreOptions {
  /** Directory of the token files (created 0700 if missing). */
  dir: string;
  /** Payload encryption keys, newest first; without them tokens are stored only if `allowClearText`. */
  keys?: readonly EncryptionKey[];
  /** Store tokens unencrypted (MAKINI_OAUTH_STORE_CLEARTEXT=true): for local development only. */
  allowClearText?: boolean;
}

/** One file per connection, `<dir>/<connectionId>.tokens.json`. */
export class FileTokenStore implements TokenStore {
  constructor(private readonly opts: FileTokenStoreOptions) {
    if (!opts.keys?.length && !opts.allowClearText) {
      throw new TokenStoreError(
        'the token store needs MAKINI_WRITES_ENCRYPTION_KEYS to encrypt OAuth tokens (or MAKINI_OAUTH_STORE_CLEARTEXT=true to store them in clear, for development only)',
      );
    }
  }

  private path(connectionId: string): string {
    if (!CONNECTION_ID.test(connectionId)) throw new TokenStoreError(`not a connection id: ${JSON.stringify(connectionId.slice(0, 130))}`);
    return join(this.opts.dir, `${connectionId}.tokens.json`);
  }

  async read(connectionId: string): Promise<StoredTokens | undefined> {
    const path = this.path(connectionId);
    let text: string;
    try {
      // O_NOFOLLOW: a symlink planted at the path would read (or, on write, overwrite) another file.
      const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const st = await fh.stat();
        if (!st.isFile()) throw new TokenStoreError(`token file of ${connectionId} is not a regular file`);
        if ((st.mode & 0o077) !== 0) {
          throw new TokenStoreError(
            `token file of ${connectionId} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`,
          );
        }
        text = await fh.readFile('utf8');
      } finally {
        await fh.close();
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      if (code === 'ELOOP') throw new TokenStoreError(`token file of ${connectionId} is a symlink: refused`);
      if (err instanceof TokenStoreError) throw err;
      throw new TokenStoreError(`cannot read the token file of ${connectionId} (${code ?? 'error'})`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) throw new TokenStoreError(`token file of ${connectionId} is not a token file of this version`);
    const file = parsed.data;
    if ('clear' in file) {
      if (!this.opts.allowClearText) {
        throw new TokenStoreError(`token file of ${connectionId} is in clear text: refused without MAKINI_OAUTH_STORE_CLEARTEXT=true`);
      }
      return toStored(file.clear);
    }
    const key = this.opts.keys?.find((k) => k.id === file.keyId);
    if (!key)
      throw new TokenStoreError(
        `token file of ${connectionId} is encrypted with key id ${JSON.stringify(file.keyId.slice(0, 64))}, not in MAKINI_WRITES_ENCRYPTION_KEYS`,
      );
    const data = Buffer.from(file.data, 'base64');
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(file.iv, 'base64'));
      decipher.setAAD(aad(connectionId));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      plain = Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new TokenStoreError(
        `token file of ${connectionId} does not decrypt: another key under that id, another connection's file, or altered`,
      );
    }
    const inner = plainSchema.safeParse(JSON.parse(plain.toString('utf8')));
    if (!inner.success) throw new TokenStoreError(`token file of ${connectionId} holds no tokens`);
    return toStored(inner.data);
  }

  async write(connectionId: string, tokens: StoredTokens): Promise<void> {
    const path = this.path(connectionId);
    await mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
    // rename() replaces a symlink itself, not its target; refusing one still says someone planted it.
    const existing = await lstat(path).catch(() => undefined);
    if (existing?.isSymbolicLink()) throw new TokenStoreError(`token file of ${connectionId} is a symlink: refused`);
    const plain = {
      accessToken: tokens.accessToken.reveal(),
      refreshToken: tokens.refreshToken.reveal(),
      expiresAt: tokens.expiresAt,
      obtainedAt: tokens.obtainedAt,
    };
    const key = this.opts.keys?.[0];
    let file: z.infer<typeof fileSchema>;
    if (key) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key.key, iv);
      cipher.setAAD(aad(connectionId));
      const data = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final(), cipher.getAuthTag()]);
      file = { v: 1, keyId: key.id, iv: iv.toString('base64'), data: data.toString('base64') };
    } else {
      file = { v: 1, clear: plain };
    }
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    // wx + 0600: a new file only this user reads, never an existing one (or a symlink) reused.
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await fh.writeFile(JSON.stringify(file));
      await fh.sync();
    } catch (err) {
      await fh.close();
      await rm(tmp, { force: true });
      throw new TokenStoreError(`cannot write the token file of ${connectionId} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    await fh.close();
    try {
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new TokenStoreError(`cannot replace the token file of ${connectionId} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
}

function toStored(p: z.infer<typeof plainSchema>): StoredTokens {
  return {
    accessToken: new Secret(p.accessToken),
    refreshToken: new Secret(p.refreshToken),
    expiresAt: p.expiresAt,
    obtainedAt: p.obtainedAt,
  };
}
