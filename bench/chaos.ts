// `npm run chaos [-- --writes 500 --seed 7 --kills 3 --timeout-minutes 40 --keep-server]`: the chaos run
// (bench/lib/chaos-run.ts): every write type through seeded faults on reads and writes, worker kills
// and a server restart, judged from the sandbox's state. Prints one summary table; exits 1 on any
// violation (including a fault kind the config enables that never hit a write). --keep-server
// leaves the Temporal server running at the end, to read the histories (`temporal workflow show`).
import { parseArgs } from 'node:util';
import { createProgressBar } from '../src/cli/progress.js';
import { formatChaosReport, runChaos } from './lib/chaos-run.js';

const { values } = parseArgs({
  options: {
    writes: { type: 'string', default: '500' },
    seed: { type: 'string', default: '7' },
    kills: { type: 'string', default: '3' },
    'timeout-minutes': { type: 'string', default: '40' },
    'keep-server': { type: 'boolean', default: false },
  },
});
const num = (name: 'writes' | 'seed' | 'kills' | 'timeout-minutes') => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${values[name]}"`);
  return n;
};

const report = await runChaos({
  writes: num('writes'),
  seed: num('seed'),
  kills: num('kills'),
  restartServer: true,
  timeoutMs: num('timeout-minutes') * 60_000,
  keepServer: values['keep-server'],
  log: (line) => console.log(`[chaos] ${line}`),
  // On stderr: a redrawn bar on a terminal, a line now and then elsewhere.
  progress: createProgressBar({ label: 'chaos writes' }),
});
console.log(`\n${formatChaosReport(report)}`);
if (values['keep-server']) {
  // The kept server is this process's child: it lives until Ctrl-C.
  process.exitCode = report.violations.length ? 1 : 0;
  console.log('\n[chaos] the Temporal server stays up until Ctrl-C');
} else {
  process.exit(report.violations.length ? 1 : 0);
}
