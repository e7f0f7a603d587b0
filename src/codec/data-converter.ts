// The production data converter: encryption when keys are configured. Worker, client, CLI, codec
// server, replay and tests build it here from the same settings, so that all of them read the same
// histories.
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { EncryptionSettings } from './encryption-settings.js';
import { EncryptionCodec, parseEncryptionKeys } from './encryption-codec.js';

/**
 * The failure converter module (./workflow/failure-converter.ts, or .js in dist/). A path, not an object: the SDK bundles it
 * into the workflows, where workflow failures are converted (a bundle made without it, e.g. by
 * `bundleWorkflowCode` without `failureConverterPath`, leaves workflow failure messages in plain text).
 */
export const FAILURE_CONVERTER_PATH = fileURLToPath(
  // `.ts` when this module runs from src/ (tsx, vitest), `.js` when it runs compiled from dist/.
  new URL(`./workflow/failure-converter${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

export interface EncryptionOptions {
  /**
   * MAKINI_WRITES_ENCRYPTION_STRICT: when decoding, refuse payloads that are not encrypted, and,
   * read for a workflow, payloads bound to no workflow.
   */
  strict?: boolean;
  /** MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND: strict mode's migration switch, accepting payloads bound to no workflow. */
  allowUnbound?: boolean;
}

/** The codec options of the encryption settings: every program reads them the same way. */
export function encryptionOptions(settings: EncryptionSettings): EncryptionOptions {
  return { strict: settings.MAKINI_WRITES_ENCRYPTION_STRICT, allowUnbound: settings.MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND };
}

/** The payload codec of MAKINI_WRITES_ENCRYPTION_KEYS; `undefined` when unset. */
export function payloadCodecFromSetting(keysSpec: string | undefined, opts: EncryptionOptions = {}): EncryptionCodec | undefined {
  return keysSpec
    ? new EncryptionCodec(parseEncryptionKeys(keysSpec), { strict: opts.strict, allowUnbound: opts.allowUnbound })
    : undefined;
}

/**
 * `undefined` (plain JSON payloads, plain failure messages) when MAKINI_WRITES_ENCRYPTION_KEYS is
 * unset. Otherwise payloads are encrypted, and so are failure messages and stack traces: the
 * failure converter encodes them into a payload the codec encrypts.
 */
export function dataConverterFromSetting(keysSpec: string | undefined, opts: EncryptionOptions = {}): DataConverter | undefined {
  const codec = payloadCodecFromSetting(keysSpec, opts);
  if (!codec) return undefined;
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}
