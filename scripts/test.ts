// `npm test`: every check a change must pass — lint, format, unused code, types, and every test (unit, sandbox,
// integration against a real Temporal dev server, replay). Builds the Temporal CLI if missing.
import { spawnSync } from 'node:child_process';
import { ensureTemporalCli } from './lib/temporal-cli.js';

const bin = (name: string) => `node_modules/.bin/${name}`;
const steps: [string, string, string[]][] = [
  ['lint', bin('eslint'), ['.']],
  ['format', bin('prettier'), ['--check', '.']],
  ['unused code (knip)', bin('knip'), []],
  ['typecheck', bin('tsc'), ['--noEmit']],
  ['tests', bin('vitest'), ['run', ...process.argv.slice(2)]],
];

try {
  // Before vitest, so its (long, first-time) build output is visible and not under a hook timeout.
  console.log(`[test] Temporal CLI: ${ensureTemporalCli()}`);
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
