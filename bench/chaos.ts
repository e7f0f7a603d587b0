// `npm run chaos [-- --writes 500 --seed 7 --kills 3 --timeout-minutes 40]`: the chaos run (bench/lib/chaos-run.ts).
// Prints one summary table; exits 1 on any violation.
import { parseArgs } from 'node:util';
import { formatChaosReport, runChaos } from './lib/chaos-run.js';

const { values } = parseArgs({
  options: {
    writes: { type: 'string', default: '500' },
    seed: { type: 'string', default: '7' },
    kills: { type: 'string', default: '3' },
    'timeout-minutes': { type: 'string', default: '40' },
  },
});
const num = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${values[name]}"`);
  return n;
};

const report = await runChaos({
  writes: num('writes'), seed: num('seed'), kills: num('kills'), restartServer: true,
  timeoutMs: num('timeout-minutes') * 60_000,
  log: (line) => console.log(`[chaos] ${line}`),
});
console.log(`\n${formatChaosReport(report)}`);
process.exit(report.violations.length ? 1 : 0);
