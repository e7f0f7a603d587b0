// `npm test`: every check a change must pass — lint, format, unused code, types, every test (unit, sandbox,
// integration against a real Temporal dev server, replay; the workflow layer on the time-skipping
// test server), then the bounded chaos run on a Temporal
// cluster on PostgreSQL (builds the server and installs PostgreSQL when missing, see
// scripts/lib/cluster/). Builds the Temporal CLI if missing. Arguments go to vitest, and a run with
// arguments (one file, a filter) checks just that: it skips the cluster run.
import { spawnSync } from 'node:child_process';
import { nodeTs } from './lib/node-ts.js';
import { ensureTemporalCli } from './lib/temporal-cli.js';
import { ensureTestServer } from './lib/temporal-test-server.js';

const bin = (name: string) => `node_modules/.bin/${name}`;
const vitestArgs = process.argv.slice(2);
const steps: [string, string, string[]][] = [
  ['lint', bin('eslint'), ['.']],
  ['format', bin('prettier'), ['--check', '.']],
  ['unused code (knip)', bin('knip'), []],
  ['typecheck', bin('tsc'), ['--noEmit']],
  ['tests', bin('vitest'), ['run', ...vitestArgs]],
];
// 300 writes, 3 worker kills, one history host killed and restarted, one PostgreSQL crash-restart,
// judged from the sandbox (bench/chaos.ts): "never twice, never lost" where Temporal's parts fail.
if (vitestArgs.length === 0) steps.push(['chaos on a Temporal cluster (bounded)', ...nodeTs('bench/chaos.ts', ['--cluster', '--quick'])]);

try {
  // Before vitest, so its (long, first-time) build output is visible and not under a hook timeout.
  console.log(`[test] Temporal CLI: ${ensureTemporalCli()}`);
  // The workflow layer's time-skipping test server (Maven Central, first use only).
  console.log(`[test] Temporal test server: ${await ensureTestServer()}`);
} catch (err) {
  console.error(`[test] ${(err as Error).message}`);
  process.exit(1);
}
for (const [name, cmd, args] of steps) {
  console.log(`\n[test] ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[test] ${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}
console.log('\n[test] all checks passed');
