// Which faults a chaos config can inject, and which ones the sandbox's request log shows it did
// inject ON WRITES (POST/PUT): a run whose config enables a kind that never hit a write proved
// nothing about that kind, and fails.
import { Chaos, chaosConfigSchema, faultCommits, faultLabel, type FaultKind } from '../../sandbox/faults.js';
import type { ChaosConfig, RequestLogEntry } from '../../sandbox/index.js';
import { innerFault, isWriteRequest } from './chaos-passthrough.js';

type Rates = NonNullable<ChaosConfig['rates']>;

/** The kind each chaos rate injects (sandbox/faults.ts); exhaustive, so a new rate must be named here. */
const KIND_OF_RATE: Record<keyof Rates, FaultKind> = {
  serverError: 'server-error',
  rateLimit: 'rate-limit',
  commitThenFail: 'commit-then-fail',
  commitThenDrop: 'commit-then-drop',
  slow: 'slow',
  drop: 'drop',
  htmlError: 'html-error',
  emptyError: 'empty-error',
  malformedSuccess: 'malformed-success',
  late: 'late',
};
/** Kinds chaos applies first on `commitShare` of its hits (sandbox/faults.ts, CHAOS_MAY_COMMIT). */
const MAY_COMMIT: readonly FaultKind[] = ['server-error', 'html-error', 'empty-error', 'drop'];
const DEFAULT_COMMIT_SHARE = 0.5;

/** The fault labels (as the request log names them, e.g. `chaos:server-error+commit`) this config can inject. */
export function expectedFaultKinds(config: ChaosConfig): string[] {
  const share = config.commitShare ?? DEFAULT_COMMIT_SHARE;
  const out: string[] = [];
  for (const [rate, kind] of Object.entries(KIND_OF_RATE) as [keyof Rates, FaultKind][]) {
    if (!((config.rates[rate] ?? 0) > 0)) continue;
    if (!MAY_COMMIT.includes(kind)) out.push(faultLabel({ kind, source: 'chaos' }));
    else {
      if (share > 0) out.push(faultLabel({ kind, source: 'chaos', commit: true }));
      if (share < 1) out.push(faultLabel({ kind, source: 'chaos', commit: false }));
    }
  }
  return out;
}

/**
 * The faults the first `rolls` requests of a connection get when its chaos hits writes only: the
 * sandbox rolls once per matching request in a seeded sequence, so the k-th write request of that
 * connection gets the k-th roll, whatever the order of the writes. (With reads in the config, which
 * request gets which roll depends on how reads and writes interleave.)
 */
export function faultsOfFirstRolls(config: ChaosConfig, rolls: number): { kinds: Record<string, number>; appliedThen500: number } {
  const chaos = new Chaos(chaosConfigSchema.parse({ ...config, methods: ['POST', 'PUT'] }));
  const kinds: Record<string, number> = {};
  let appliedThen500 = 0;
  for (let i = 0; i < rolls; i++) {
    const f = chaos.roll('POST');
    if (!f) continue;
    kinds[faultLabel(f)] = (kinds[faultLabel(f)] ?? 0) + 1;
    if (f.status === 500 && faultCommits(f)) appliedThen500++;
  }
  return { kinds, appliedThen500 };
}

export interface FaultCounts {
  /** Requests of every method. */
  requests: number;
  /** POST and PUT requests (a passthrough call: when its inner request is no GET). */
  writeRequests: number;
  /** Faults on writes, by label (`chaos:server-error+commit`). */
  onWrites: Record<string, number>;
  /**
   * Writes the sandbox APPLIED and then answered badly, by answer: `500`, `502`, ... (commit-then-500, ...),
   * `inner 5xx` (the system's 5xx inside the passthrough envelope), `dropped`, `garbled 2xx`, late.
   */
  appliedThen: Record<string, number>;
  /** Faults on writes with a status (5xx kinds), by label and status. */
  onWritesByStatus: Record<string, Record<number, number>>;
  /** Faults on reads (GET), by label. */
  onReads: Record<string, number>;
  /** Writes answered 429 by the sandbox's own write limit (not by chaos): pacing let them through. */
  limitRefusals: number;
}

export function countFaults(logs: Iterable<readonly RequestLogEntry[]>): FaultCounts {
  const c: FaultCounts = {
    requests: 0,
    writeRequests: 0,
    onWrites: {},
    appliedThen: {},
    onWritesByStatus: {},
    onReads: {},
    limitRefusals: 0,
  };
  for (const log of logs) {
    for (const e of log) {
      c.requests++;
      const write = isWriteRequest(e);
      if (write) c.writeRequests++;
      if (write && !e.fault && e.status === 429) c.limitRefusals++;
      if (!e.fault) continue;
      const bucket = write ? c.onWrites : c.onReads;
      bucket[e.fault] = (bucket[e.fault] ?? 0) + 1;
      if (!write) continue;
      if (e.status >= 500) {
        const s = (c.onWritesByStatus[e.fault] ??= {});
        s[e.status] = (s[e.status] ?? 0) + 1;
      }
      if (e.writeApplied) {
        const answer =
          e.outcome === 'dropped'
            ? 'dropped'
            : e.outcome === 'abandoned'
              ? 'answered after the client gave up'
              : e.status >= 500
                ? String(e.status)
                : innerFault(e)
                  ? 'inner 5xx'
                  : e.fault.endsWith(':malformed-success')
                    ? 'garbled 2xx'
                    : undefined;
        if (answer) c.appliedThen[answer] = (c.appliedThen[answer] ?? 0) + 1;
      }
    }
  }
  return c;
}
