// AES-256-GCM payload codec: workflow inputs, results, failure details and summaries are stored
// encrypted in Temporal. The key id travels in the payload metadata, so rotating keys keeps old
// histories readable: encrypt with the newest key, decrypt with whichever key a payload names.
//
// Each ciphertext is bound to its workflow: the SDK (1.24) hands encode and decode a serialization
// context naming the workflow that owns the payload (for activity payloads, the workflow that
// scheduled the activity). Its id is authenticated as GCM associated data and written in the
// metadata, so a payload copied into another workflow's history is refused there, and a changed
// binding fails authentication. The namespace is not bound: a replay worker reads every history
// under the namespace "default". Decoding without a context (the codec server, history tools)
// still authenticates the binding from the metadata. Payloads bound to no workflow (encrypted
// before binding existed, or by the codec server's POST /encode, which names no workflow) still
// decrypt, except in strict mode when a workflow reads them: there, anyone holding the codec
// server's token could otherwise make a payload every workflow accepts. A migration switch
// (allowUnbound) lets strict mode read them until the old histories are gone.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
// CommonJS package: a default import works under both tsx and vitest.
import proto from '@temporalio/proto';

const { temporal } = proto;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
/** The workflow id a payload is bound to (also its associated data). */
export const WORKFLOW_ID_METADATA = 'encryption-workflow-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const enc = new TextEncoder();
const dec = new TextDecoder();
const associatedData = (workflowId: string) => enc.encode(`makini-writes/workflow-id/${workflowId}`);
/** A value read from a payload's metadata, safe to put in a message (quoted, bounded). */
const shown = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

export interface EncryptionKey {
  id: string;
  /** 32 bytes. */
  key: Uint8Array;
}

const isKey = (text: string) => Buffer.from(text, 'base64').length === 32;

/**
 * Parses `MAKINI_WRITES_ENCRYPTION_KEYS`: `id:base64key[,id:base64key...]`, newest first.
 * Errors name entries by position only, never by their text: an entry written the wrong way
 * round (`key:id`), or a key in some other encoding, would print key material.
 * @example parseEncryptionKeys('2026-11:q83v...=,2026-05:Zm9v...=')
 */
export function parseEncryptionKeys(spec: string): EncryptionKey[] {
  const keys = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const n = i + 1;
      const sep = entry.indexOf(':');
      if (sep <= 0) throw new Error(`MAKINI_WRITES_ENCRYPTION_KEYS entry ${n}: expected "keyId:base64Key"`);
      const id = entry.slice(0, sep);
      const material = entry.slice(sep + 1);
      if (!isKey(material) && isKey(id)) {
        throw new Error(`MAKINI_WRITES_ENCRYPTION_KEYS entry ${n}: the key comes before its id; expected "keyId:base64Key"`);
      }
      if (!KEY_ID.test(id)) {
        throw new Error(`MAKINI_WRITES_ENCRYPTION_KEYS entry ${n}: the key id must be letters, digits, dot, dash or underscore (max 64)`);
      }
      const key = Buffer.from(material, 'base64');
      if (key.length !== 32) {
        throw new Error(`MAKINI_WRITES_ENCRYPTION_KEYS entry ${n}: expected a key of 32 bytes (base64) after the id, got ${key.length}`);
      }
      return { id, key: new Uint8Array(key) };
    });
  if (keys.length === 0) throw new Error('MAKINI_WRITES_ENCRYPTION_KEYS: no key given');
  refuseDuplicateIds(keys);
  return keys;
}

/** Two keys under one id: a payload naming it would decrypt with one of them only, silently. */
function refuseDuplicateIds(keys: EncryptionKey[]): void {
  const first = new Map<string, number>();
  keys.forEach((k, i) => {
    const earlier = first.get(k.id);
    if (earlier !== undefined) {
      throw new Error(`MAKINI_WRITES_ENCRYPTION_KEYS entries ${earlier + 1} and ${i + 1} have the same key id: give each key its own id`);
    }
    first.set(k.id, i);
  });
}

export interface EncryptionCodecOptions {
  /**
   * Refuse to decode payloads that are not encrypted, and, read for a workflow, encrypted ones
   * bound to no workflow (MAKINI_WRITES_ENCRYPTION_STRICT).
   */
  strict?: boolean;
  /** In strict mode, still accept payloads bound to no workflow: a migration switch (MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND). */
  allowUnbound?: boolean;
}

/** Encrypts with the first key; decrypts with any listed key. */
export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Uint8Array>;
  private readonly current: EncryptionKey;
  private readonly strict: boolean;
  private readonly allowUnbound: boolean;

  constructor(keys: EncryptionKey[], opts: EncryptionCodecOptions = {}) {
    if (!keys[0]) throw new Error('EncryptionCodec needs at least one key');
    refuseDuplicateIds(keys);
    this.current = keys[0];
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.strict = opts.strict ?? false;
    this.allowUnbound = opts.allowUnbound ?? false;
  }

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const workflowId = context?.workflowId || undefined;
    return payloads.map((p) => {
      const plain = temporal.api.common.v1.Payload.encode(p).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      if (workflowId) cipher.setAAD(associatedData(workflowId));
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          encoding: enc.encode(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: enc.encode(this.current.id),
          ...(workflowId ? { [WORKFLOW_ID_METADATA]: enc.encode(workflowId) } : {}),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    return payloads.map((p) => {
      const encoding = dec.decode(p.metadata?.encoding ?? new Uint8Array());
      if (encoding !== ENCRYPTED_ENCODING) {
        if (!this.strict) return p;
        throw new Error(
          `refused a payload that is not encrypted (encoding ${shown(encoding)}): MAKINI_WRITES_ENCRYPTION_STRICT=true accepts encrypted payloads only`,
        );
      }
      const metadata = p.metadata!;
      const keyId = dec.decode(metadata[KEY_ID_METADATA] ?? new Uint8Array());
      const key = this.byId.get(keyId);
      if (!key) {
        throw new Error(
          `payload encrypted with unknown key id ${shown(keyId)}: MAKINI_WRITES_ENCRYPTION_KEYS lists ` +
            `${[...this.byId.keys()].map((id) => `"${id}"`).join(', ')}; add that key`,
        );
      }
      const boundTo = metadata[WORKFLOW_ID_METADATA] ? dec.decode(metadata[WORKFLOW_ID_METADATA]) : undefined;
      const data = Buffer.from(p.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error(`payload encrypted with key id ${shown(keyId)} is truncated`);
      let plain: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
        if (boundTo !== undefined) decipher.setAAD(associatedData(boundTo));
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        // Node says only "Unsupported state or unable to authenticate data".
        throw new Error(
          `payload encrypted with key id ${shown(keyId)} does not decrypt: the key listed under that id is not the one it was ` +
            'encrypted with, or the payload (or its workflow binding) was altered',
        );
      }
      const workflowId = context?.workflowId || undefined;
      if (boundTo === undefined && workflowId !== undefined && this.strict && !this.allowUnbound) {
        throw new Error(
          `refused a payload bound to no workflow, read for workflow ${shown(workflowId)}: MAKINI_WRITES_ENCRYPTION_STRICT=true ` +
            'accepts only payloads bound to their workflow (MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND=true during a migration)',
        );
      }
      if (boundTo !== undefined && workflowId !== undefined && boundTo !== workflowId) {
        throw new Error(
          `refused a payload of workflow ${shown(boundTo)} read for workflow ${shown(workflowId)}: copied from another history?`,
        );
      }
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
