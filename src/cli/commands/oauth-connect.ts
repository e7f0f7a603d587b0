// `oauth-connect <connectionId> --redirect-uri URI [--code CODE]`: exchanges the authorization
// code Makini Link redirected with for the connection's first tokens, writes them to the token
// store, and tells the connection (its refresh schedule starts; writes waiting for
// reauthorization go on). Prints times only, never a token.
import { text } from 'node:stream/consumers';
import { loadConnectionsFile } from '../../config/connections.js';
import { fileTokenStoreFrom, tokenEndpointFrom } from '../../config/oauth-setup.js';
import { Secret } from '../../observability/secret.js';
import { loadSettings } from '../../config/settings.js';
import { TokenEndpointError } from '../../makini/token-endpoint.js';
import { noticeConnectionToken } from '../../connections/control-client.js';
import { CliUsageError, stringValue, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';
import { positionals } from '../options.js';
import { who } from './reauthorize.js';

export const oauthConnectCommand: CliCommand = {
  name: 'oauth-connect',
  summary: "exchange an OAuth authorization code for a connection's first tokens and store them",
  usage: '<connectionId>',
  description:
    'After the customer granted access in Makini Link, Makini redirects to your redirect URI with `code`.\n' +
    'This exchanges it at POST /link/token (client id and secret from MAKINI_CLIENT_ID / MAKINI_CLIENT_SECRET),\n' +
    'writes the tokens to the token store (MAKINI_OAUTH_STORE_DIR, encrypted with MAKINI_WRITES_ENCRYPTION_KEYS)\n' +
    'and tells the connection: the worker refreshes them from then on. Without --code the code is read from\n' +
    'stdin (it stays out of the shell history and the process list). Exit 1 when Makini refuses the code.',
  arguments: { '<connectionId>': 'a connection with `token: { oauth: true }` in MAKINI_CONNECTIONS_FILE' },
  options: {
    'redirect-uri': { type: 'string', value: 'URI', description: 'the redirect URI the authorization used (required)' },
    code: { type: 'string', value: 'CODE', description: 'the authorization code (default: read from stdin)' },
  },
  examples: ['echo "$CODE" | makini-writes oauth-connect acme-sap --redirect-uri https://app.example.com/makini/callback'],
  env: [
    'MAKINI_CLIENT_ID',
    'MAKINI_CLIENT_SECRET',
    'MAKINI_BASE_URL',
    'MAKINI_OAUTH_STORE_DIR',
    'MAKINI_WRITES_ENCRYPTION_KEYS',
    'MAKINI_CONNECTIONS_FILE',
  ],
  temporal: true,
  async run(args, io) {
    const [connectionId] = positionals(args, ['<connectionId>']) as [string];
    const redirectUri = stringValue(args, 'redirect-uri');
    if (!redirectUri) throw new CliUsageError('--redirect-uri is required (the redirect URI the authorization used)');
    const settings = loadSettings();
    if (settings.MAKINI_CONNECTIONS_FILE) {
      const conn = loadConnectionsFile(settings.MAKINI_CONNECTIONS_FILE).connections.find((c) => c.id === connectionId);
      if (!conn || !('oauth' in conn.token)) {
        io.err(`connection ${connectionId} is not configured with \`token: { oauth: true }\` in ${settings.MAKINI_CONNECTIONS_FILE}`);
        return 2;
      }
    }
    const endpoint = tokenEndpointFrom(settings);
    if (!endpoint) {
      io.err('set MAKINI_CLIENT_ID and MAKINI_CLIENT_SECRET (the OAuth client of your application at Makini)');
      return 2;
    }
    const store = fileTokenStoreFrom(settings);
    const code = (stringValue(args, 'code') ?? (await text(process.stdin))).trim();
    if (!code) throw new CliUsageError('no authorization code: pass --code or write it to stdin');
    let issued;
    try {
      issued = await endpoint.exchangeCode(new Secret(code), redirectUri);
    } catch (err) {
      if (!(err instanceof TokenEndpointError)) throw err;
      io.err(`connection ${connectionId}: ${err.message}`);
      return 1;
    }
    await store.write(connectionId, issued);
    io.out(`connection ${connectionId}: tokens stored; the access token expires ${new Date(issued.expiresAt).toISOString()}`);
    const taskQueue = settings.TEMPORAL_TASK_QUEUE;
    try {
      await withClient((client) =>
        noticeConnectionToken(client, connectionId, { refreshedBy: `cli oauth-connect (${who()})` }, { taskQueue }),
      );
      io.out(`connection ${connectionId}: its worker refreshes the tokens from now on; writes waiting for reauthorization go on`);
    } catch (err) {
      io.err(
        `connection ${connectionId}: tokens stored, but the connection could not be told (${(err as Error).message.split('\n')[0]}); ` +
          `a worker started later schedules the refresh, or run: makini-writes reauthorize ${connectionId}`,
      );
    }
    return 0;
  },
};
