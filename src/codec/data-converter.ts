// The production data converter: encryption when keys are configured. Worker, client, replay and
// tests build it from the same setting so that all of them read the same histories.
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, parseEncryptionKeys } from './encryption-codec.js';

/** `undefined` (plain JSON payloads) when MAKINI_WRITES_ENCRYPTION_KEYS is unset. */
export function dataConverterFromSetting(keysSpec: string | undefined): DataConverter | undefined {
  if (!keysSpec) return undefined;
  return { payloadCodecs: [new EncryptionCodec(parseEncryptionKeys(keysSpec))] };
}
