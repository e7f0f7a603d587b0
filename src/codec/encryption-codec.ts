// AES-256-GCM payload codec: workflow inputs, results, failure details and summaries are stored
// encrypted in Temporal. The key id travels in the payload metadata, so rotating keys keeps old
// histories readable: encrypt with the newest key, decrypt with whichever key a payload names.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
// CommonJS package: a default import works under both tsx and vitest.
import proto from '@temporalio/proto';

const { temporal } = proto;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface EncryptionKey {
  id: string;
  /** 32 bytes. */
  key: Uint8Array;
}

/**
 * Parses `MAKINI_WRITES_ENCRYPTION_KEYS`: `id:base64key[,id:base64key...]`, newest first.
 * @example parseEncryptionKeys('2026-11:q83v...=,2026-05:Zm9v...=')
 */
export function parseEncryptionKeys(spec: string): EncryptionKey[] {
  const keys = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const sep = entry.indexOf(':');
      if (sep <= 0) throw new Error(`MAKINI_WRITES_ENCRYPTION_KEYS entry ${i + 1}: expected "keyId:base64Key"`);
      const id = entry.slice(0, sep);
      const key = Buffer.from(entry.slice(sep + 1), 'base64');
      if (key.length !== 32) throw new Error(`MAKINI_WRITES_ENCRYPTION_KEYS key "${id}": expected 32 bytes (base64), got ${key.length}`);
      return { id, key: new Uint8Array(key) };
    });
  if (keys.length === 0) throw new Error('MAKINI_WRITES_ENCRYPTION_KEYS: no key given');
  return keys;
}

/** Encrypts with the first key; decrypts with any listed key. */
export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Uint8Array>;
  private readonly current: EncryptionKey;

  constructor(keys: EncryptionKey[]) {
    if (!keys[0]) throw new Error('EncryptionCodec needs at least one key');
    this.current = keys[0];
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const plain = temporal.api.common.v1.Payload.encode(p).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: enc.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: enc.encode(this.current.id) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      if (!p.metadata || dec.decode(p.metadata.encoding ?? new Uint8Array()) !== ENCRYPTED_ENCODING) return p;
      const keyId = dec.decode(p.metadata[KEY_ID_METADATA] ?? new Uint8Array());
      const key = this.byId.get(keyId);
      if (!key) throw new Error(`payload encrypted with unknown key id "${keyId}"; add it to MAKINI_WRITES_ENCRYPTION_KEYS`);
      const data = Buffer.from(p.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted payload is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
