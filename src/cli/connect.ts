// Temporal client for CLI commands: envconfig connection, the payload codec when keys are set.
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { dataConverterFromSetting } from '../codec/data-converter.js';

/** Connects, runs `use`, and always closes the connection. */
export async function withClient<T>(use: (client: Client) => Promise<T>): Promise<T> {
  const { connectionOptions, namespace } = loadClientConnectConfig();
  const connection = await Connection.connect({ ...connectionOptions, address: connectionOptions.address ?? 'localhost:7233' });
  try {
    const dataConverter = dataConverterFromSetting(process.env.MAKINI_WRITES_ENCRYPTION_KEYS);
    return await use(new Client({ connection, namespace: namespace ?? 'default', dataConverter }));
  } finally {
    await connection.close();
  }
}
