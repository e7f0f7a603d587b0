// The benchmarks of `npm run bench`, in run order, and their sizes (default and --quick).
import { benchHistoryEvents } from '../history-events.js';
import { benchMemory } from '../memory.js';
import { benchOverhead } from '../overhead.js';
import { benchRateLimited } from '../rate-limited.js';
import { benchScale } from '../scale.js';
import { benchThroughput } from '../throughput.js';
import type { BenchStack } from './stack.js';
import type { BenchTable } from './table.js';

export interface BenchSizes {
  overhead: { iterations: number; warmup: number; lines: number };
  throughput: { writes: number; lines: number; warmup: number; startConcurrency: number };
  history: { lines: number[] };
  memory: { workflows: number; connections: number; retryAfterSeconds: number; startConcurrency: number; warmup: number };
  rate: { writes: number; perMinute: number; concurrent?: number; drainLimit?: number };
  scale: { writes: number; retryAfterSeconds: number; startConcurrency: number };
}

export const DEFAULT_SIZES: BenchSizes = {
  overhead: { iterations: 30, warmup: 3, lines: 5 },
  throughput: { writes: 100, lines: 3, warmup: 5, startConcurrency: 50 },
  history: { lines: [1, 20, 200] },
  memory: { workflows: 1000, connections: 1, retryAfterSeconds: 600, startConcurrency: 50, warmup: 5 },
  // drainLimit: the system admits 56/min on a connection configured at 60/min: one 429 after about a
  // minute, then the rest drain at the cut rate (the after-429 drain line).
  rate: { writes: 200, perMinute: 60, concurrent: 50, drainLimit: 56 },
  // 10,000 writes take about 10 minutes to reach the wait on 2 cores (1,000 take about 1): the hold
  // must outlast that, or the first writes go again while the last are still being started.
  scale: { writes: 10_000, retryAfterSeconds: 1_800, startConcurrency: 50 },
};

export const QUICK_SIZES: BenchSizes = {
  overhead: { iterations: 5, warmup: 1, lines: 5 },
  throughput: { writes: 20, lines: 3, warmup: 2, startConcurrency: 10 },
  history: { lines: [1, 5, 20] },
  memory: { workflows: 50, connections: 1, retryAfterSeconds: 600, startConcurrency: 10, warmup: 2 },
  rate: { writes: 8, perMinute: 30 },
  scale: { writes: 40, retryAfterSeconds: 45, startConcurrency: 10 },
};

const positiveInt = (flag: string, raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${flag} must be a positive whole number, got "${raw}"`);
  return n;
};

interface SizeFlag {
  help: string;
  get(s: BenchSizes): string;
  set(s: BenchSizes, raw: string): void;
}

/** Numeric size fields of one benchmark's sizes. */
type IntKey<G extends keyof BenchSizes> = {
  [K in keyof BenchSizes[G]]-?: BenchSizes[G][K] extends number ? K : never;
}[keyof BenchSizes[G]];

/** A flag overriding `sizes[group][key]` with a positive whole number. */
const intFlag = <G extends keyof BenchSizes>(flag: string, help: string, group: G, key: IntKey<G>): [string, SizeFlag] => [
  flag,
  {
    help,
    get: (s) => String(s[group][key]),
    set: (s, raw) => {
      (s[group] as Record<IntKey<G>, number>)[key] = positiveInt(flag, raw);
    },
  },
];

/** Command-line flags overriding one size each. */
export const sizeFlags: Record<string, SizeFlag> = Object.fromEntries([
  intFlag('overhead-writes', 'PO creates measured for overhead', 'overhead', 'iterations'),
  intFlag('throughput-writes', 'workflows of each kind for throughput', 'throughput', 'writes'),
  intFlag('memory-workflows', 'workflows left waiting for memory', 'memory', 'workflows'),
  intFlag('memory-connections', 'connections the waiting writes are spread over', 'memory', 'connections'),
  intFlag('rate-writes', 'PO creates in the rate-limited run', 'rate', 'writes'),
  intFlag('rate-per-minute', 'sandbox write limit per minute', 'rate', 'perMinute'),
  intFlag('scale-writes', 'writes held at once for scale', 'scale', 'writes'),
  intFlag('scale-retry-after', 'seconds the scale writes are held', 'scale', 'retryAfterSeconds'),
  [
    'rate-drain-limit',
    {
      help: 'writes/min the system admits in the after-429 drain variant',
      get: (s) => String(s.rate.drainLimit ?? 'none'),
      set: (s, raw) => {
        s.rate.drainLimit = positiveInt('rate-drain-limit', raw);
      },
    },
  ],
  [
    'rate-concurrent',
    {
      help: 'rate-limited writes in flight at once',
      get: (s) => String(s.rate.concurrent ?? 'all'),
      set: (s, raw) => {
        s.rate.concurrent = positiveInt('rate-concurrent', raw);
      },
    },
  ],
  [
    'history-lines',
    {
      help: 'line counts for history events',
      get: (s) => s.history.lines.join(','),
      set: (s, raw) => {
        s.history.lines = raw.split(',').map((x) => positiveInt('history-lines', x.trim()));
      },
    },
  ],
]);

export const BENCH_NAMES = ['overhead', 'throughput', 'history', 'memory', 'rate', 'scale'] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

export const BENCHMARKS: Record<BenchName, (stack: BenchStack, sizes: BenchSizes) => Promise<BenchTable>> = {
  overhead: async (stack, s) => (await benchOverhead(stack, s.overhead)).table,
  throughput: async (stack, s) => (await benchThroughput(stack, s.throughput)).table,
  history: async (stack, s) => (await benchHistoryEvents(stack, s.history)).table,
  memory: async (stack, s) => (await benchMemory(stack, s.memory)).table,
  rate: async (stack, s) => (await benchRateLimited(stack, s.rate)).table,
  scale: async (stack, s) => (await benchScale(stack, s.scale)).table,
};
