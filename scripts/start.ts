// `npm start`: the whole stack on this machine — Temporal dev server (unless TEMPORAL_ADDRESS
// points elsewhere), the Makini sandbox (unless MAKINI_BASE_URL is set) and the worker; with
// MAKINI_WRITES_ENCRYPTION_KEYS set, also a loopback codec server for the dev server's UI.
// Ctrl-C stops them all cleanly, worker first.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type StartedSandbox } from '../sandbox/index.js';
import { encryptionOptions } from '../src/codec/data-converter.js';
import { loadEncryptionSettings } from '../src/config/settings.js';
import { localConnectionsFile, localDataDir } from '../src/config/local-stack.js';
import { startDevServer, type DevServer } from './lib/dev-server.js';
import { startUiCodecServer, type UiCodecServer } from './lib/ui-codec.js';
import { DEMO_CONNECTIONS } from './lib/demo-connections.js';
import { nodeTs } from './lib/node-ts.js';

// MAKINI_WRITES_DATA_DIR: where the dev server's SQLite file and logs go (default .data/).
const dataDir = localDataDir();
mkdirSync(dataDir, { recursive: true });
const env: NodeJS.ProcessEnv = { ...process.env };
const stops: (() => Promise<void>)[] = [];

let server: DevServer | undefined;
let uiCodec: UiCodecServer | undefined;
if (!process.env.TEMPORAL_ADDRESS) {
  const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
  // With encryption on, the UI shows a write's steps only through a codec server (the worker's
  // keys and options; a bad setting stops here, named, as it would stop the worker).
  const encryption = loadEncryptionSettings();
  if (encryption.MAKINI_WRITES_ENCRYPTION_KEYS) {
    uiCodec = await startUiCodecServer({ keys: encryption.MAKINI_WRITES_ENCRYPTION_KEYS, options: encryptionOptions(encryption), uiPort });
  }
  console.log(`[start] starting the Temporal dev server (SQLite: ${join(dataDir, 'temporal.db')})...`);
  server = await startDevServer({
    port: Number(process.env.TEMPORAL_PORT ?? 7233),
    uiPort,
    dbFilename: join(dataDir, 'temporal.db'),
    logFile: join(dataDir, 'temporal.log'),
    uiCodecEndpoint: uiCodec?.endpoint,
  });
  env.TEMPORAL_ADDRESS = server.address;
  stops.push(() => server!.stop());
  if (uiCodec) stops.push(() => uiCodec!.close());
}

let sandbox: StartedSandbox | undefined;
if (!process.env.MAKINI_BASE_URL) {
  sandbox = await startSandbox({ port: Number(process.env.SANDBOX_PORT ?? 8787), connections: DEMO_CONNECTIONS });
  env.MAKINI_BASE_URL = sandbox.url;
  // The demo connections' tokens reach the worker by env var, as production tokens would. The CLI
  // finds this file without MAKINI_CONNECTIONS_FILE (`capabilities` needs each connection's system).
  const file = localConnectionsFile();
  writeFileSync(
    file,
    `# written by npm start for the sandbox's demo connections\nconnections:\n${DEMO_CONNECTIONS.map(
      (c) => `  - id: ${c.id}\n    system: ${c.system}\n    token: { env: ${c.tokenEnv} }\n`,
    ).join('')}`,
  );
  for (const c of DEMO_CONNECTIONS) env[c.tokenEnv] = c.token;
  env.MAKINI_CONNECTIONS_FILE ??= file;
  stops.unshift(() => sandbox!.close());
}

// The worker's output passes through here so that the banner comes after its "polling" line
// (last on screen, with the next command to run). It tells the worker its lines end on a terminal
// (FORCE_COLOR; NO_COLOR keeps them readable but plain), so it writes them readable, not as JSON.
if (process.stdout.isTTY && env.FORCE_COLOR === undefined) {
  env.FORCE_COLOR = env.NO_COLOR ? '0' : '1';
  delete env.NO_COLOR;
}
const worker = spawn(...nodeTs('src/worker.ts'), { env, stdio: ['inherit', 'pipe', 'inherit'] });
// 'close': after the worker's last line reached our stdout, not only when it exited.
const workerExited = new Promise<number | null>((resolve) => worker.once('close', (code) => resolve(code)));

const banner = () => `
makini-writes is running
  Temporal        ${env.TEMPORAL_ADDRESS}${server ? ` (dev server, data in ${dataDir})` : ''}
  Temporal UI     ${server?.uiUrl ?? "(your cluster's UI)"}${uiCodec ? ` (decodes encrypted payloads through a codec server on ${new URL(uiCodec.endpoint).origin})` : ''}
  Makini          ${env.MAKINI_BASE_URL}${sandbox ? ' (sandbox; demo connections: ' + DEMO_CONNECTIONS.map((c) => c.id).join(', ') + ')' : ''}
  worker          task queue ${env.TEMPORAL_TASK_QUEUE ?? 'makini-writes'}

Start a first write (in another terminal):
  npm run cli -- start createPurchaseOrder examples/purchase-order.sap.json --wait
then open the UI above and look at the workflow "purchase-order/create/demo-sap/...".
Ctrl-C stops everything.
`;

// The worker's own start-up lines (worker states, queues it does not poll) follow its "polling"
// line: they are held until it has been quiet for a moment, then written with the banner after
// them, in one write, so that the banner is last and comes with the "polling" line.
const SETTLE_MS = 500;
const SETTLE_MAX_MS = 3_000;
let bannerShown = false;
let partial = '';
let held: string | undefined; // from the "polling" line on, until the banner
let settle: NodeJS.Timeout | undefined;
let settleBy = 0;
function showBanner() {
  if (bannerShown) return;
  bannerShown = true;
  clearTimeout(settle);
  process.stdout.write(`${held ?? ''}${partial}${banner()}`);
  held = undefined;
  partial = '';
}
worker.stdout!.setEncoding('utf8');
worker.stdout!.on('data', (text: string) => {
  if (bannerShown) {
    process.stdout.write(text);
    return;
  }
  const lines = (partial + text).split('\n');
  partial = lines.pop()!;
  let out = '';
  for (const line of lines) {
    if (held === undefined && line.includes('[worker] polling')) {
      held = '';
      settleBy = Date.now() + SETTLE_MAX_MS;
    }
    if (held === undefined) out += `${line}\n`;
    else held += `${line}\n`;
  }
  if (out) process.stdout.write(out);
  if (held !== undefined) {
    clearTimeout(settle);
    settle = setTimeout(showBanner, Math.max(0, Math.min(SETTLE_MS, settleBy - Date.now())));
  }
});
worker.stdout!.on('end', () => {
  clearTimeout(settle);
  if (held !== undefined && !bannerShown) showBanner();
  else if (partial) process.stdout.write(`${partial}\n`);
});

let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\n[start] stopping: worker, then sandbox and Temporal...');
  if (worker.exitCode === null) worker.kill('SIGTERM');
  await workerExited;
  for (const stop of stops) await stop();
  console.log('[start] stopped');
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stopAll(0));
void workerExited.then((code) => {
  if (!stopping) {
    console.error(`[start] the worker exited (code ${code})`);
    void stopAll(code ?? 1);
  }
});
