// The codec server `npm start` runs when MAKINI_WRITES_ENCRYPTION_KEYS is set, wired into the dev
// server's Web UI (`--ui-codec-endpoint`): with encryption on, a write's summaries, inputs and
// results are stored encrypted, and without it a local user would see none of its steps.
//
// The local UI has no sign-in and sends no token, so this server is reached by a secret instead:
// it listens on loopback only, under a random first path segment (the UI calls
// `<endpoint>/decode`; anything else is 404), and grants CORS to the UI's origins only. Whoever
// can use the local UI sees what it decodes, as intended; nothing else on the machine can call it
// without reading the UI's settings first.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createCodecServer } from '../../src/codec/codec-server.js';
import { payloadCodecFromSetting, type EncryptionOptions } from '../../src/codec/data-converter.js';

export interface UiCodecServer {
  /** What the UI is given (`--ui-codec-endpoint`): `http://127.0.0.1:<port>/<secret>`. */
  endpoint: string;
  close(): Promise<void>;
}

/** Starts the loopback codec server for the dev server UI on `uiPort` (both of its host names). */
export async function startUiCodecServer(opts: { keys: string; options?: EncryptionOptions; uiPort: number }): Promise<UiCodecServer> {
  // The workers' codec and options (strict mode included): the UI reads what they wrote.
  const codec = payloadCodecFromSetting(opts.keys, opts.options);
  if (!codec) throw new Error('startUiCodecServer: no MAKINI_WRITES_ENCRYPTION_KEYS');
  const pathToken = randomBytes(24).toString('hex');
  const server = createCodecServer({
    codec,
    pathToken,
    allowedOrigins: [`http://127.0.0.1:${opts.uiPort}`, `http://localhost:${opts.uiPort}`],
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/${pathToken}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
