// `npm run webhooks`: the webhook receiver process. Settings: MAKINI_WEBHOOK_SECRET (required; a
// comma-separated list during a rotation), MAKINI_WEBHOOK_HOST (loopback by default: put a proxy in
// front, or set 0.0.0.0 where Makini must reach it directly), MAKINI_WEBHOOK_PORT,
// MAKINI_WEBHOOK_TOLERANCE_S, MAKINI_WEBHOOK_SIGNATURE_HEADER, TEMPORAL_TASK_QUEUE, the encryption
// settings and the Temporal connection variables (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_API_KEY).
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { deliverConnectionEvent } from '../connections/control-client.js';
import { dataConverterFromSetting, encryptionOptions } from '../codec/data-converter.js';
import { loadSettings } from '../config/settings.js';
import { createRuntimeLogger } from '../observability/logger.js';
import { knownSecrets } from '../observability/redact.js';
import { createWebhookReceiver, WEBHOOK_PATH } from './receiver.js';

async function main(): Promise<void> {
  let settings;
  try {
    settings = loadSettings();
  } catch (err) {
    console.error(`[webhooks] cannot start: ${(err as Error).message}`);
    process.exit(2);
  }
  const secret = settings.MAKINI_WEBHOOK_SECRET;
  if (!secret) {
    console.error('[webhooks] cannot start: MAKINI_WEBHOOK_SECRET is not set (the secret Makini signs deliveries with)');
    process.exit(2);
  }
  // As the worker's: readable lines on a terminal, JSON lines otherwise; the webhook secrets blanked out.
  const logger = createRuntimeLogger(settings.LOG_LEVEL, { secrets: knownSecrets(process.env, []) });
  const { connectionOptions, namespace = 'default' } = loadClientConnectConfig();
  const connection = await Connection.connect({ ...connectionOptions, address: connectionOptions.address ?? 'localhost:7233' });
  const dataConverter = dataConverterFromSetting(settings.MAKINI_WRITES_ENCRYPTION_KEYS, encryptionOptions(settings));
  const client = new Client({ connection, namespace, dataConverter });
  const taskQueue = settings.TEMPORAL_TASK_QUEUE;
  const server = createWebhookReceiver({
    secret,
    signatureHeader: settings.MAKINI_WEBHOOK_SIGNATURE_HEADER,
    toleranceS: settings.MAKINI_WEBHOOK_TOLERANCE_S,
    deliver: (event) => deliverConnectionEvent(client, event, { taskQueue }),
    log: (line) => (/^\[webhooks\] (refused|could not|receiver error)/.test(line) ? logger.warn(line) : logger.info(line)),
  });
  const host = settings.MAKINI_WEBHOOK_HOST;
  const shownHost = host.includes(':') ? `[${host}]` : host; // IPv6
  server.listen(settings.MAKINI_WEBHOOK_PORT, host, () => {
    logger.info(
      `[webhooks] receiving on http://${shownHost}:${settings.MAKINI_WEBHOOK_PORT}${WEBHOOK_PATH}; ` +
        `${secret.length} secret(s), signature in ${settings.MAKINI_WEBHOOK_SIGNATURE_HEADER}; events go to task queue "${taskQueue}" (namespace ${namespace})`,
    );
  });
  const stop = () => {
    server.close(() => void connection.close().then(() => process.exit(0)));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`[webhooks] fatal: ${(err as Error).message}`);
  process.exit(1);
});
