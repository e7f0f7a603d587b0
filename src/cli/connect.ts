// Temporal client for CLI commands: envconfig connection, the production data converter (payload
// codec and failure converter) when keys are set.
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { dataConverterFromSetting } from '../codec/data-converter.js';
import { loadEncryptionSettings } from '../config/settings.js';

/** Connects, runs `use`, and always closes the connection. */
export async function withClient<T>(use: (client: Client) => Promise<T>): Promise<T> {
  // Before connecting: a bad key setting is reported without its value.
  const encryption = loadEncryptionSettings();
  const { connectionOptions, namespace } = loadClientConnectConfig();
  const connection = await Connection.connect({ ...connectionOptions, address: connectionOptions.address ?? 'localhost:7233' });
  try {
    const dataConverter = dataConverterFromSetting(encryption.MAKINI_WRITES_ENCRYPTION_KEYS, {
      strict: encryption.MAKINI_WRITES_ENCRYPTION_STRICT,
    });
    return await use(new Client({ connection, namespace: namespace ?? 'default', dataConverter }));
  } finally {
    await connection.close();
  }
}
