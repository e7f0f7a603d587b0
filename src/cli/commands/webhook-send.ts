// `webhook-send <connectionId> <eventType> [--url URL] [--id ID] [--timestamp UNIX] [--data JSON] [--print]`:
// a delivery signed with MAKINI_WEBHOOK_SECRET, as Makini would send it (to test a receiver).
import { loadSettings } from '../../config/settings.js';
import { MakiniWebhookEvent } from '../../makini/contract.js';
import { WEBHOOK_PATH } from '../../webhooks/receiver.js';
import { postDelivery, signedDelivery } from '../../webhooks/signed-delivery.js';
import { CliUsageError, flag, printJson, stringValue, type CliCommand } from '../command.js';
import { positionals } from '../options.js';

export const webhookSendCommand: CliCommand = {
  name: 'webhook-send',
  summary: 'send a delivery signed with MAKINI_WEBHOOK_SECRET, as Makini would (to test a receiver)',
  usage: '<connectionId> <eventType>',
  description: 'Signed with the first secret of MAKINI_WEBHOOK_SECRET. Exit 1 unless the receiver answers 200.',
  arguments: {
    '<connectionId>': 'the connection the event is about',
    '<eventType>': Object.values(MakiniWebhookEvent).join(', '),
  },
  options: {
    url: { type: 'string', value: 'URL', description: `receiver (default http://127.0.0.1:$MAKINI_WEBHOOK_PORT${WEBHOOK_PATH})` },
    id: { type: 'string', value: 'ID', description: 'delivery id (default: a new one)' },
    timestamp: { type: 'string', value: 'UNIX_SECONDS', description: 'signature time (default: now)' },
    data: { type: 'string', value: 'JSON', description: "the event's data" },
    print: { type: 'boolean', description: 'print the signed delivery (headers and body) as JSON instead of sending it' },
  },
  examples: [`makini-writes webhook-send acme-sap ${MakiniWebhookEvent.connectionOnline}`],
  env: ['MAKINI_WEBHOOK_SECRET (required)', 'MAKINI_WEBHOOK_PORT'],
  async run(args, io) {
    const [connectionId, type] = positionals(args, ['<connectionId>', '<eventType>']) as [string, string];
    let settings;
    try {
      settings = loadSettings();
    } catch (err) {
      throw new CliUsageError((err as Error).message);
    }
    if (!settings.MAKINI_WEBHOOK_SECRET) throw new CliUsageError('MAKINI_WEBHOOK_SECRET is not set: nothing to sign with');
    let data: unknown;
    const rawData = stringValue(args, 'data');
    if (rawData !== undefined) {
      try {
        data = JSON.parse(rawData);
      } catch {
        throw new CliUsageError('--data must be JSON');
      }
    }
    const rawTimestamp = stringValue(args, 'timestamp');
    const timestamp = rawTimestamp === undefined ? undefined : Number(rawTimestamp);
    if (timestamp !== undefined && !Number.isInteger(timestamp)) throw new CliUsageError('--timestamp must be Unix seconds');
    const delivery = signedDelivery(
      settings.MAKINI_WEBHOOK_SECRET,
      { type, connectionId, timestamp: new Date().toISOString(), ...(data === undefined ? {} : { data }) },
      { id: stringValue(args, 'id'), timestamp },
    );
    if (flag(args, 'print')) {
      printJson(io, delivery);
      return 0;
    }
    const url = stringValue(args, 'url') ?? `http://127.0.0.1:${settings.MAKINI_WEBHOOK_PORT}${WEBHOOK_PATH}`;
    const res = await postDelivery(url, delivery);
    io.out(`${url} → ${res.status} ${res.body}`);
    return res.status === 200 ? 0 : 1;
  },
};
