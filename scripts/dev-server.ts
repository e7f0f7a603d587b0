// `npm run dev-server`: only the Temporal dev server (SQLite under .data/, UI on 8233).
import { join } from 'node:path';
import { startDevServer } from './lib/dev-server.js';

const root = join(import.meta.dirname, '..');
const server = await startDevServer({
  port: Number(process.env.TEMPORAL_PORT ?? 7233),
  uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
  dbFilename: join(root, '.data', 'temporal.db'),
  logFile: join(root, '.data', 'temporal.log'),
});
console.log(`Temporal dev server at ${server.address}, UI ${server.uiUrl}; Ctrl-C stops it`);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void server.stop().then(() => process.exit(0)));
