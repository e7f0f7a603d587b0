// `codec-server [--port 8888] [--host 127.0.0.1] [--origin URL,...]`: decrypts payloads for the
// Temporal UI and CLI (`--ui-codec-endpoint`), for callers holding CODEC_SERVER_TOKEN or an access
// token of the identity provider the UI signs users in with (CODEC_SERVER_OIDC_*). Keys: MAKINI_WRITES_ENCRYPTION_KEYS.
import { createCodecServer } from '../../codec/codec-server.js';
import { encryptionOptions, payloadCodecFromSetting } from '../../codec/data-converter.js';
import { loadCodecServerSettings, loadEncryptionSettings } from '../../config/settings.js';
import { CliUsageError, stringValue, type CliCommand } from '../command.js';
import { positionals } from '../options.js';

export const codecServerCommand: CliCommand = {
  name: 'codec-server',
  summary: "decrypt payloads for the Temporal UI and CLI, for holders of CODEC_SERVER_TOKEN or the UI's OIDC access token",
  usage: '',
  description:
    'POST /encode and /decode with the keys the workers use (strict mode included). Every request must carry\n' +
    "`Authorization: Bearer <CODEC_SERVER_TOKEN>`, or the signed-in user's access token the Temporal UI passes\n" +
    '("pass access token"), verified against CODEC_SERVER_OIDC_ISSUER: its JWKS, the issuer, CODEC_SERVER_OIDC_AUDIENCE,\n' +
    'expiry. The UI passes tokens only to an https endpoint: put TLS in front. CORS answers only the --origin(s). Runs until Ctrl-C.',
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
    'CODEC_SERVER_TOKEN (16+ characters) and/or CODEC_SERVER_OIDC_ISSUER with CODEC_SERVER_OIDC_AUDIENCE',
    "CODEC_SERVER_OIDC_JWKS_URL (default: from the issuer's discovery document)",
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
    let callers;
    try {
      callers = loadCodecServerSettings(); // its errors never print a token
    } catch (err) {
      throw new CliUsageError((err as Error).message);
    }
    const server = createCodecServer({ codec, ...callers, allowedOrigins: origins, log: (msg) => io.err(msg) });
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    const who = [callers.authToken ? 'CODEC_SERVER_TOKEN' : '', callers.oidc ? `access tokens of ${callers.oidc.issuer}` : ''].filter(
      Boolean,
    );
    io.out(`codec server on http://${host}:${port} (POST /encode, /decode; CORS for ${origins.join(', ')}; callers: ${who.join(', ')})`);
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
