// `codec-server [--port 8888] [--origin URL]...`: decrypts payloads for the Temporal UI and CLI
// (`--ui-codec-endpoint`), for callers holding CODEC_SERVER_TOKEN. Keys: MAKINI_WRITES_ENCRYPTION_KEYS.
import { createCodecServer } from '../../codec/codec-server.js';
import { payloadCodecFromSetting } from '../../codec/data-converter.js';
import type { EncryptionCodec } from '../../codec/encryption-codec.js';
import { loadEncryptionSettings } from '../../config/settings.js';
import { EXIT_USAGE, type CliCommand } from '../command.js';
import { CliOptionError, parseOptions } from '../options.js';

export const codecServerCommand: CliCommand = {
  usage:
    'codec-server [--port 8888] [--host 127.0.0.1] [--origin http://localhost:8233]  (env: MAKINI_WRITES_ENCRYPTION_KEYS, CODEC_SERVER_TOKEN)',
  async run(args) {
    let port: number;
    let host: string;
    let origins: string[];
    let codec: EncryptionCodec | undefined;
    try {
      const o = parseOptions(args, { values: ['port', 'host', 'origin'], flags: [] });
      port = Number(o.values.port ?? 8888);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliOptionError(`--port "${o.values.port}": expected 1-65535`);
      host = o.values.host ?? '127.0.0.1';
      origins = (o.values.origin ?? 'http://localhost:8233')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      let encryption;
      try {
        encryption = loadEncryptionSettings(); // its errors never print key material
      } catch (err) {
        throw new CliOptionError((err as Error).message);
      }
      // The same codec as the workers' (strict included): the one data-converter builder.
      codec = payloadCodecFromSetting(encryption.MAKINI_WRITES_ENCRYPTION_KEYS, { strict: encryption.MAKINI_WRITES_ENCRYPTION_STRICT });
      if (!codec) throw new CliOptionError('MAKINI_WRITES_ENCRYPTION_KEYS is not set: the codec server needs the keys the worker uses');
      if (!process.env.CODEC_SERVER_TOKEN || process.env.CODEC_SERVER_TOKEN.length < 16) {
        throw new CliOptionError('CODEC_SERVER_TOKEN is not set (16+ characters): callers must send it as a bearer token');
      }
    } catch (err) {
      if (err instanceof CliOptionError) {
        console.error(err.message);
        return EXIT_USAGE;
      }
      throw err;
    }
    const server = createCodecServer({ codec, authToken: process.env.CODEC_SERVER_TOKEN, allowedOrigins: origins });
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    console.log(`codec server on http://${host}:${port} (POST /encode, /decode; CORS for ${origins.join(', ')})`);
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
