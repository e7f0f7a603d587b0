// `codec-server [--port 8888] [--host 127.0.0.1] [--origin URL,...]`: decrypts payloads for the
// Temporal UI and CLI (`--ui-codec-endpoint`), for callers holding CODEC_SERVER_TOKEN. Keys: MAKINI_WRITES_ENCRYPTION_KEYS.
import { createCodecServer } from '../../codec/codec-server.js';
import { encryptionOptions, payloadCodecFromSetting } from '../../codec/data-converter.js';
import { loadEncryptionSettings } from '../../config/settings.js';
import { CliUsageError, stringValue, type CliCommand } from '../command.js';
import { positionals } from '../options.js';

export const codecServerCommand: CliCommand = {
  name: 'codec-server',
  summary: 'decrypt payloads for the Temporal UI and CLI, for holders of CODEC_SERVER_TOKEN',
  usage: '',
  description:
    'POST /encode and /decode with the keys the workers use (strict mode included). Every request must carry\n' +
    '`Authorization: Bearer <CODEC_SERVER_TOKEN>`; CORS answers only the --origin(s). Runs until Ctrl-C.',
  options: {
    port: { type: 'string', value: 'PORT', description: 'port to listen on (default 8888)' },
    host: { type: 'string', value: 'IP', description: 'address to listen on (default 127.0.0.1)' },
    origin: { type: 'string', value: 'URL[,URL]', description: 'origins allowed by CORS (default http://localhost:8233, the UI)' },
  },
  examples: ['CODEC_SERVER_TOKEN=$(openssl rand -hex 24) makini-writes codec-server --port 8888 --origin http://localhost:8233'],
  env: [
    'MAKINI_WRITES_ENCRYPTION_KEYS (required)',
    'MAKINI_WRITES_ENCRYPTION_STRICT',
    'MAKINI_WRITES_ENCRYPTION_ALLOW_UNBOUND',
    'CODEC_SERVER_TOKEN (required, 16+ characters)',
  ],
  async run(args, io) {
    positionals(args, []);
    const rawPort = stringValue(args, 'port');
    const port = Number(rawPort ?? 8888);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliUsageError(`--port "${rawPort}": expected 1-65535`);
    const host = stringValue(args, 'host') ?? '127.0.0.1';
    const origins = (stringValue(args, 'origin') ?? 'http://localhost:8233')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    let encryption;
    try {
      encryption = loadEncryptionSettings(); // its errors never print key material
    } catch (err) {
      throw new CliUsageError((err as Error).message);
    }
    // The same codec as the workers' (strict included): the one data-converter builder.
    const codec = payloadCodecFromSetting(encryption.MAKINI_WRITES_ENCRYPTION_KEYS, encryptionOptions(encryption));
    if (!codec) throw new CliUsageError('MAKINI_WRITES_ENCRYPTION_KEYS is not set: the codec server needs the keys the worker uses');
    const authToken = process.env.CODEC_SERVER_TOKEN;
    if (!authToken || authToken.length < 16) {
      throw new CliUsageError('CODEC_SERVER_TOKEN is not set (16+ characters): callers must send it as a bearer token');
    }
    const server = createCodecServer({ codec, authToken, allowedOrigins: origins });
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    io.out(`codec server on http://${host}:${port} (POST /encode, /decode; CORS for ${origins.join(', ')})`);
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
