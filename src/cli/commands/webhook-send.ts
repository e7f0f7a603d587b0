// `webhook-send <connectionId> <eventType> [--url URL] [--id ID] [--timestamp UNIX] [--data JSON] [--print]`:
// a delivery signed with MAKINI_WEBHOOK_SECRET, as Makini would send it (to test a receiver).
import { loadSettings } from '../../config/settings.js';
import { WEBHOOK_PATH } from '../../webhooks/receiver.js';
import { postDelivery, signedDelivery } from '../../webhooks/signed-delivery.js';
import { EXIT_USAGE, type CliCommand } from '../command.js';
import { CliOptionError, parseOptions } from '../options.js';

export const webhookSendCommand: CliCommand = {
  usage: 'webhook-send <connectionId> <eventType> [--url URL] [--id ID] [--timestamp UNIX_SECONDS] [--data JSON] [--print]',
  async run(args) {
    let o;
    try {
      o = parseOptions(args, { values: ['url', 'id', 'timestamp', 'data'], flags: ['print'] });
    } catch (err) {
      if (err instanceof CliOptionError) {
        console.error(err.message);
        return EXIT_USAGE;
      }
      throw err;
    }
    const [connectionId, type] = o.positional;
    if (!connectionId || !type) return EXIT_USAGE;
    let settings;
    try {
      settings = loadSettings();
    } catch (err) {
      console.error((err as Error).message);
      return EXIT_USAGE;
    }
    if (!settings.MAKINI_WEBHOOK_SECRET) {
      console.error('MAKINI_WEBHOOK_SECRET is not set: nothing to sign with');
      return EXIT_USAGE;
    }
    let data: unknown;
    if (o.values.data !== undefined) {
      try {
        data = JSON.parse(o.values.data);
      } catch {
        console.error('--data must be JSON');
        return EXIT_USAGE;
      }
    }
    const timestamp = o.values.timestamp === undefined ? undefined : Number(o.values.timestamp);
    if (timestamp !== undefined && !Number.isInteger(timestamp)) {
      console.error('--timestamp must be Unix seconds');
      return EXIT_USAGE;
    }
    const delivery = signedDelivery(
      settings.MAKINI_WEBHOOK_SECRET,
      { type, connectionId, timestamp: new Date().toISOString(), ...(data === undefined ? {} : { data }) },
      { id: o.values.id, timestamp },
    );
    if (o.flags.has('print')) {
      console.log(JSON.stringify(delivery, null, 2));
      return 0;
    }
    const url = o.values.url ?? `http://127.0.0.1:${settings.MAKINI_WEBHOOK_PORT}${WEBHOOK_PATH}`;
    const res = await postDelivery(url, delivery);
    console.log(`${url} → ${res.status} ${res.body}`);
    return res.status === 200 ? 0 : 1;
  },
};
