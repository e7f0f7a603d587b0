// `npm run sandbox`: the Makini sandbox alone, on SANDBOX_HOST:SANDBOX_PORT (default 127.0.0.1:8787).
// Demo connections (sandbox-only tokens, not secrets; from scripts/lib/demo-connections.ts):
//   demo-sap        system sap         token sandbox-token-sap        (PO lines only with the header)
//   demo-dynamics   system dynamics    token sandbox-token-dynamics   (lines with the header or one by one)
//   demo-emaint     system emaint      token sandbox-token-emaint     (WO needs assetKey, title, scheduledAt)
//   demo-maintainx  system maintain-x  token sandbox-token-maintainx  (WO needs siteKey, title)
// Admin API (loopback only, see sandbox/admin-api.ts): /_admin/connections/{id}/state | requests | faults | behaviour | ...
// Seeded keys are not codes: vendor V-100 has code 0000100100 (see sandbox/store.ts).
// Set SANDBOX_QUIET=1 to stop logging one line per request. Ctrl-C (SIGINT) or SIGTERM stops it.
import { MakiniPath, MakiniQuery } from '../src/makini/workflow/contract.js';
import { AdminPath } from '../sandbox/admin-api.js';
import { startSandbox } from '../sandbox/index.js';
import { DEMO_CONNECTIONS } from './lib/demo-connections.js';

const port = Number(process.env.SANDBOX_PORT ?? 8787);
const host = process.env.SANDBOX_HOST ?? '127.0.0.1';
const seed = process.env.SANDBOX_SEED === undefined ? undefined : Number(process.env.SANDBOX_SEED);

const sandbox = await startSandbox({
  port,
  host,
  seed,
  connections: DEMO_CONNECTIONS.map(({ id, token, system }) => ({ id, token, system })),
  log: process.env.SANDBOX_QUIET ? undefined : (line) => console.log(`[sandbox] ${line}`),
});

const sap = DEMO_CONNECTIONS.find((c) => c.system === 'sap') ?? DEMO_CONNECTIONS[0]!;
console.log(`Makini sandbox listening on ${sandbox.url}
demo connections: ${DEMO_CONNECTIONS.map((c) => `${c.id} (${c.system}, token ${c.token})`).join(', ')}

try:
  curl -s -H 'Authorization: Bearer ${sap.token}' '${sandbox.url}${MakiniPath.vendor('V-100')}'
  curl -sg -H 'Authorization: Bearer ${sap.token}' '${sandbox.url}${MakiniPath.vendors()}?${MakiniQuery.filter('code')}=0000100100'
  curl -s -X POST -H 'Authorization: Bearer ${sap.token}' -H 'content-type: application/json' \\
    -d '{"code":"demo-1","vendorKey":"V-100","siteKey":"1000","currencyKey":"EUR","lineItems":[{"materialKey":"mat-1","quantity":2,"price":4.2}]}' \\
    '${sandbox.url}${MakiniPath.purchaseOrders()}'
  curl -s '${sandbox.url}${AdminPath.state(sap.id)}'
Ctrl-C stops it.`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n[sandbox] ${signal}: stopping`);
  await sandbox.close();
  process.exit(0);
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stop(sig));
