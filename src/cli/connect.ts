// Temporal client for CLI commands: envconfig connection, the production data converter (payload
// codec and failure converter) when keys are set.
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { dataConverterFromSetting, encryptionOptions } from '../codec/data-converter.js';
import { loadEncryptionSettings } from '../config/settings.js';

/** No Temporal server answered: names the address and how to get one (exit 1). */
export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
}

/** Connects, runs `use`, and always closes the connection. */
export async function withClient<T>(use: (client: Client) => Promise<T>): Promise<T> {
  // Before connecting: a bad key setting is reported without its value.
  const encryption = loadEncryptionSettings();
  const { connectionOptions, namespace = 'default' } = loadClientConnectConfig();
  const address = connectionOptions.address ?? 'localhost:7233';
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...connectionOptions, address });
  } catch (err) {
    throw new TemporalUnreachableError(
      `cannot reach the Temporal server at ${address} (namespace ${namespace}): ${(err as Error).message}\n` +
        'start one with `npm start` (a dev server, the Makini sandbox and the worker, on localhost:7233), ' +
        'or set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE, TEMPORAL_API_KEY) to your cluster',
    );
  }
  try {
    const dataConverter = dataConverterFromSetting(encryption.MAKINI_WRITES_ENCRYPTION_KEYS, encryptionOptions(encryption));
    return await use(new Client({ connection, namespace, dataConverter }));
  } finally {
    await connection.close();
  }
}
