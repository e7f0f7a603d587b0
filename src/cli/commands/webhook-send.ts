// `webhook-send <connectionId> <eventType> [--url URL] [--timestamp WHEN] [--data JSON] [--print]`:
// a delivery signed with MAKINI_WEBHOOK_SECRET as Makini signs one (base64 HMAC-SHA256 over
// JSON.stringify of the body, in MAKINI_WEBHOOK_SIGNATURE_HEADER), to test a receiver.
import { loadSettings } from '../../config/settings.js';
import { MakiniWebhookEvent } from '../../makini/workflow/contract.js';
import { WEBHOOK_PATH } from '../../webhooks/receiver.js';
import { eventTimeMs } from '../../webhooks/payload.js';
import { postDelivery, signedDelivery } from '../../webhooks/signed-delivery.js';
import { CliUsageError, flag, printJson, stringValue, type CliCommand } from '../command.js';
import { positionals } from '../options.js';

export const webhookSendCommand: CliCommand = {
  name: 'webhook-send',
  summary: 'send a delivery signed with MAKINI_WEBHOOK_SECRET, as Makini would (to test a receiver)',
  usage: '<connectionId> <eventType>',
  description:
    'Signed as Makini signs (base64 HMAC-SHA256 over the JSON body) with the first secret of MAKINI_WEBHOOK_SECRET. ' +
    'The same event sent twice is one delivery redelivered: answered 200, handed over once. Exit 1 unless the receiver answers 200.',
  arguments: {
    '<connectionId>': 'the connection the event is about',
    '<eventType>': Object.values(MakiniWebhookEvent).join(', '),
  },
  options: {
    url: { type: 'string', value: 'URL', description: `receiver (default http://127.0.0.1:$MAKINI_WEBHOOK_PORT${WEBHOOK_PATH})` },
    timestamp: { type: 'string', value: 'WHEN', description: "the event's time in the payload, ISO 8601 or Unix seconds (default: now)" },
    data: { type: 'string', value: 'JSON', description: "the event's details (the payload's body)" },
    print: { type: 'boolean', description: 'print the signed delivery (headers and body) as JSON instead of sending it' },
  },
  examples: [`makini-writes webhook-send acme-sap ${MakiniWebhookEvent.connectionOnline}`],
  env: ['MAKINI_WEBHOOK_SECRET (required)', 'MAKINI_WEBHOOK_PORT', 'MAKINI_WEBHOOK_SIGNATURE_HEADER'],
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
    if (rawTimestamp !== undefined && eventTimeMs(rawTimestamp) === undefined) {
      throw new CliUsageError('--timestamp must be ISO 8601 (2026-01-31T12:00:00Z) or Unix seconds');
    }
    const timestamp =
      rawTimestamp === undefined ? new Date().toISOString() : /^\d+$/.test(rawTimestamp) ? Number(rawTimestamp) : rawTimestamp;
    const delivery = signedDelivery(
      settings.MAKINI_WEBHOOK_SECRET,
      { event: type, connection_id: connectionId, timestamp, ...(data === undefined ? {} : { body: data }) },
      { signatureHeader: settings.MAKINI_WEBHOOK_SIGNATURE_HEADER },
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
