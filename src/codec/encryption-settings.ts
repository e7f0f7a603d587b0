// The settings the data converter is built from (worker, clients, CLI, codec server), as a zod
// schema beside the codec that reads them: src/config/settings.ts reads them from the environment
// with every other setting, and the codec names no config type.
import { z } from 'zod';
import { parseEncryptionKeys } from './encryption-codec.js';

const bool = z.enum(['true', 'false'], { error: '"true" or "false"' });

export const encryptionSchema = z.object({
  /** `keyId:base64Key[,...]`, newest first: AES-256-GCM encryption of every payload (see README). */
  MAKINI_WRITES_ENCRYPTION_KEYS: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      if (!v) return;
      try {
        parseEncryptionKeys(v); // its messages never quote the entries (key material)
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^MAKINI_WRITES_ENCRYPTION_KEYS:? ?/, '') });
      }
    }),
  /**
   * `true`: with encryption on, refuse to decode any payload that is not encrypted (one written
   * by a client without the keys, or injected into a history) instead of passing it through.
   */
  MAKINI_WRITES_ENCRYPTION_STRICT: bool.default('false').transform((v) => v === 'true'),
  /**
   * `true`, beside strict mode, during a migration only: still accept encrypted payloads bound to
   * no workflow (histories from before the binding, payloads made by the codec server's /encode).
   */
  MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND: bool.default('false').transform((v) => v === 'true'),
});
export type EncryptionSettings = z.infer<typeof encryptionSchema>;
