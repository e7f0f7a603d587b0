// A write held back by its connection: 401 or a gate block. Reauthorization and an open breaker
// are durable waits for the connection's control workflow to signal "clear" (bounded by the
// write's maxConnectionWaitMs, no retry loop meanwhile); a rate pause sleeps until the pause ends;
// a reduced rate reschedules the call at the new rate at once.
import {
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
  type SignalDefinition,
} from '@temporalio/workflow';
import type { ConnectionActivities } from '../activity-contract.js';
import {
  connectionControlWorkflowId,
  connectionRateChangedSignal,
  connectionReportSignal,
  connectionResumedSignal,
  connectionTokenSignal,
  type ConnectionRateChange,
} from './messages.js';
import { isLastingBlock } from './gate-policy.js';
import {
  MakiniFailureType,
  WriteFailureType,
  type ConnectionBlockKind,
  type MakiniFailureInfo,
} from '../../failures/workflow/failure-types.js';
import { SA_OUTCOME, SA_WAITING_FOR } from '../../observability/workflow/search-attributes.js';
import { allowRateMoves, learnRateCap, noteRateChange, setWritesPerMinute } from './pacing.js';

/** Where a wait is recorded: the step it holds back (a write's StepRecord is one; connections do not import writes). */
interface WaitLog {
  waits: { cause: string; ms: number }[];
}

/**
 * Without a signal, a waiting write looks again this often at first (the gate re-registers it if
 * the connection is still blocked): a lost signal or a reset control workflow costs one call, not the write.
 */
export const CONNECTION_RECHECK_MS = 10 * 60_000;

/** The longest a waiting write goes without looking again on its own (see recheckAfter). */
export const CONNECTION_RECHECK_MAX_MS = 6 * 60 * 60_000;

/**
 * Patch id: the recheck grows with the wait. Every recheck costs the write about 13 history
 * events; at a fixed 10 minutes a wait of 30 days (the most maxConnectionWaitMs allows) made
 * about 56,000, past Temporal's 51,200 at which the server terminates the workflow.
 */
export const RECHECK_GROWS_PATCH = 'connection-recheck-grows';

/**
 * When a write that has waited `waitedMs` for its connection looks again without a signal: after
 * 10 minutes, or a tenth of the time already waited once that is longer, at most 6 h. A lost signal
 * then costs at most a tenth more waiting, and 30 days of waiting about 160 rechecks (2,000 events).
 * @example recheckAfter(0) // → 600_000 (10 min); recheckAfter(20 * 3_600_000) // → 7_200_000 (2 h)
 */
export function recheckAfter(waitedMs: number): number {
  return Math.min(CONNECTION_RECHECK_MAX_MS, Math.max(CONNECTION_RECHECK_MS, Math.round(waitedMs / 10)));
}

// One attempt: a failed refresh is not retried here; the write then waits for reauthorization.
const { refreshConnectionToken } = proxyActivities<Pick<ConnectionActivities, 'refreshConnectionToken'>>({
  startToCloseTimeout: '60 seconds',
  retry: { maximumAttempts: 1 },
});

const seconds = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 1000).toFixed(1)} s`);

/** What held a call back, if it was the connection (not the call itself). */
export function connectionBlockOf(info: MakiniFailureInfo): ConnectionBlockKind | undefined {
  if (info.type === MakiniFailureType.authentication) return 'reauthorization';
  if (info.type === MakiniFailureType.connectionBlocked) return info.connection?.block;
  return undefined;
}

const positive = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v > 0);
const isRateChange = (v: unknown): v is ConnectionRateChange =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as ConnectionRateChange).connectionId === 'string' &&
  positive((v as ConnectionRateChange).capPerSecond) &&
  positive((v as ConnectionRateChange).pausedUntil);

/** A write's view of its connection. One per StepRunner (that is, per write workflow). */
export class ConnectionWaits {
  private resumes = 0;
  private waitedMs = 0;
  private connectionId = 'its connection';
  private connectionKnown = false;
  private reschedules = 0;

  constructor(private readonly maxWaitMs: number) {
    setHandler(connectionResumedSignal, () => {
      this.resumes += 1;
    });
    // From the gate that got a 429 (rate-broadcast.ts): a malformed one changes nothing.
    setHandler(connectionRateChangedSignal, (change) => {
      if (isRateChange(change)) noteRateChange(change);
    });
  }

  /**
   * The connection this write goes to, its configured writes per minute, and its rate as the
   * worker knew it when the profile was resolved (a cut rate and a pause after a 429; empty when
   * neither; absent in a lookup recorded before write calls could move).
   */
  use(connectionId: string, writesPerMinute: number, rate?: Omit<ConnectionRateChange, 'connectionId'>): void {
    this.connectionId = connectionId;
    this.connectionKnown = true;
    setWritesPerMinute(connectionId, writesPerMinute);
    if (!rate) return; // a profile lookup recorded before write calls could move (pacing.ts, RATE_MOVES_PATCH)
    allowRateMoves(connectionId);
    noteRateChange({ ...rate, connectionId });
  }

  /** Takes the connection's adaptive rate from a failure that carries it (a 429, a gate block). */
  learn(info: MakiniFailureInfo): void {
    const cap = info.rateCapPerSecond ?? info.connection?.capPerSecond;
    if (cap !== undefined) learnRateCap(cap);
  }

  /** Taken before each call: a resume signal after it means "try again". */
  get mark(): number {
    return this.resumes;
  }

  /**
   * After a 401 on an `oauth` connection: refreshes its tokens unless someone did since the call was
   * scheduled (`staleSince`), and tells the connection's control workflow (writes waiting for
   * reauthorization go on; it reschedules). True when new tokens are in the store: send again.
   */
  async refreshToken(staleSince: number, rec: WaitLog): Promise<boolean> {
    if (!this.connectionKnown) return false;
    let answer;
    try {
      answer = await refreshConnectionToken({ connectionId: this.connectionId, when: 'stale', staleSince });
    } catch {
      return false;
    }
    if (answer.outcome !== 'ok') {
      rec.waits.push({ cause: `401: the OAuth token could not be refreshed (${answer.outcome})`, ms: 0 });
      return false;
    }
    rec.waits.push({
      cause: `401: ${answer.refreshed ? 'refreshed the OAuth token' : 'the OAuth token had been refreshed meanwhile'}; sending again`,
      ms: 0,
    });
    await this.signalControl(connectionTokenSignal, { refreshedBy: `token refresh after a 401 (${workflowInfo().workflowId})` });
    return true;
  }

  /**
   * A 401 on an `oauth` connection that a refresh did not cure: the gate leaves those to the write
   * (gate.ts), so the write tells the control itself: the connection needs reauthorization, and
   * this write waits for it.
   */
  async reportAuthFailed(info: MakiniFailureInfo, callStartedAt: number): Promise<void> {
    await this.signalControl(connectionReportSignal, {
      kind: 'auth-failed',
      at: Date.now(),
      message: info.message,
      ...(info.requestId ? { requestId: info.requestId } : {}),
      callStartedAt,
      waiter: workflowInfo().workflowId,
    });
  }

  private async signalControl<A extends unknown[]>(signal: SignalDefinition<A>, ...args: A): Promise<void> {
    await getExternalWorkflowHandle(connectionControlWorkflowId(workflowInfo().taskQueue, this.connectionId))
      .signal(signal, ...args)
      // No control workflow (nothing reported yet) or it is gone: the write's periodic re-check still holds.
      .catch(() => undefined);
  }

  /**
   * Holds the step for `block`; returns the time it waited. `details` updates the UI's current
   * details. Throws (non-retryable, typed) once the write has waited its maximum.
   */
  async hold(
    block: ConnectionBlockKind,
    info: MakiniFailureInfo,
    mark: number,
    rec: WaitLog,
    details: (text: string) => void,
  ): Promise<number> {
    const started = Date.now();
    // rate-reduced is not a wait: the call is scheduled again at once at the rate `learn` took
    // (should it come back again and again, a short sleep keeps that from becoming a busy loop).
    if (block === 'rate-reduced') {
      if (++this.reschedules % 3 !== 0) return 0;
      await sleep(1_000, { summary: 'rescheduled three times at a reduced rate; pausing 1 s' });
      return Date.now() - started;
    }
    if (block === 'rate-paused') {
      const delay = Math.max(info.connection?.retryAfterMs ?? 1000, 1);
      const cause = `writes to ${this.connectionId} paused ${seconds(delay)} after a 429 on another write`;
      rec.waits.push({ cause, ms: delay });
      details(`waiting ${seconds(delay)}: ${cause}`);
      await sleep(delay, { summary: cause });
      return Date.now() - started;
    }
    if (!isLastingBlock(block)) return 0;
    const what = block === 'reauthorization' ? 'reauthorization' : 'the connection to answer again (circuit breaker open)';
    const left = this.maxWaitMs - this.waitedMs;
    if (left <= 0) this.giveUp(block, info);
    details(`waiting for ${what} of ${this.connectionId}: ${info.message}`);
    upsertSearchAttributes([
      { key: SA_OUTCOME, value: 'waiting' },
      { key: SA_WAITING_FOR, value: block },
    ]);
    // Histories from before the growing recheck replay with 10 minutes: the patch is consulted only
    // where the recheck differs, so shorter waits' histories stay as they were.
    const grown = recheckAfter(this.waitedMs);
    const recheck = grown > CONNECTION_RECHECK_MS && patched(RECHECK_GROWS_PATCH) ? grown : CONNECTION_RECHECK_MS;
    const resumed = await condition(() => this.resumes > mark, Math.min(left, recheck));
    upsertSearchAttributes([
      { key: SA_OUTCOME, value: 'running' },
      { key: SA_WAITING_FOR, value: null },
    ]);
    const waited = Date.now() - started;
    this.waitedMs += waited;
    rec.waits.push({
      cause:
        `${block === 'reauthorization' ? 'waited for reauthorization' : 'waited while the circuit breaker was open'}` +
        `${resumed ? '' : ' (no signal yet; looking again)'}: ${info.message}`,
      ms: waited,
    });
    if (!resumed && this.waitedMs >= this.maxWaitMs) this.giveUp(block, info);
    return waited;
  }

  private giveUp(block: ConnectionBlockKind, info: MakiniFailureInfo): never {
    const reauth = block === 'reauthorization';
    throw ApplicationFailure.create({
      type: reauth ? WriteFailureType.reauthorizationTimedOut : WriteFailureType.connectionUnavailable,
      nonRetryable: true,
      message: reauth
        ? `connection ${this.connectionId} still needs reauthorization after this write waited ${seconds(this.waitedMs)} ` +
          `(its maximum, retryBudget.maxConnectionWaitMs); reauthorize it (makini-writes reauthorize ${this.connectionId}) and start the write again`
        : `connection ${this.connectionId} still does not answer (circuit breaker open) after this write waited ${seconds(this.waitedMs)} ` +
          '(its maximum, retryBudget.maxConnectionWaitMs); check `makini-writes connection-status ' +
          this.connectionId +
          '` and start the write again',
      details: [{ connectionId: this.connectionId, block, waitedMs: this.waitedMs, failure: info }],
    });
  }
}
