// Runs an activity as a named step: times it, classifies its failures, waits on durable timers
// (honouring Retry-After) and tries again within a budget; after an ambiguous write it first
// checks whether the write landed. Every attempt and every wait is an event in the history.
import { takeRateWaits } from '../../../connections/workflow/pacing.js';
import { ApplicationFailure, patched, setCurrentDetails, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { ActivityResult } from '../../../makini/activity-result.js';
import { MakiniFailureType, WriteFailureType, type MakiniFailureInfo } from '../../../failures/workflow/failure-types.js';
import { DEFAULT_RETRY_BUDGET, type RetryBudget, type StepRecord } from './steps.js';
import { connectionBlockOf, ConnectionWaits } from '../../../connections/workflow/waits.js';
import { failureInfoOf, shortCause } from './failure-info.js';
import { observeLandedCheck, observeStep, observeWait, type LogContext } from './step-observer.js';
import { horizonWaitCause, lookupSchedule } from './horizon.js';
import { SA_WAITING_FOR } from '../../../observability/workflow/search-attributes.js';
import { callMakini, type InputOf, type StepActivity, type ValueOf } from './makini-calls.js';

export interface StepOptions<T> {
  /** Summary of each activity attempt in the UI ("POST purchase order 12 lines"). */
  summary: string;
  /** After an ambiguous failure: whether the write landed; its result if so. */
  checkLanded?: () => Promise<T | undefined>;
  /**
   * The patch that introduced `checkLanded` on a route that used to retry blindly: histories from
   * before it replay without the lookup (see `patched`).
   */
  checkLandedSince?: string;
  /**
   * Sending again would create a second record (a POST create): after an unknown outcome the step
   * looks on the commit-horizon schedule before it sends again (COMMIT_HORIZON_PATCH), and a
   * record it then creates is remembered for the late-duplicate sweep (`resent`).
   */
  createsRecord?: boolean;
}

/** A create that was sent again after an unknown outcome no lookup resolved (the sweep looks again). */
export interface ResentCreate {
  step: string;
  /** Workflow time the resend's answer came back. */
  resentAt: number;
}

/** The timing a runner works with once the write's profile is known. */
interface RunnerTiming {
  system: string;
  settleMs: number;
  commitHorizonMs: number;
}

/** Patch id of the settle delay before checking an ambiguous write (see `patched`). */
export const SETTLE_BEFORE_CHECK_PATCH = 'settle-before-checking-ambiguous-write';
/** Patch id of the lookup before repeating an absolute write (PUT) that may have landed. */
export const LOOK_BEFORE_REPEATING_PUT_PATCH = 'look-before-repeating-ambiguous-put';
/** Patch id of the one token refresh a 401 on an `oauth` connection tries before waiting for reauthorization. */
export const REFRESH_TOKEN_ON_401_PATCH = 'refresh-oauth-token-on-401';
/** Patch id of the floor under a Retry-After wait: at least the base backoff (before it, `Retry-After: 0` waited 1 ms). */
export const RETRY_AFTER_FLOOR_PATCH = 'backoff-as-least-retry-after';
/**
 * Patch id of the commit horizon: after an unknown outcome a create looks on a schedule up to its
 * system's commit horizon (not once after the settle delay) before it sends again.
 */
export const COMMIT_HORIZON_PATCH = 'look-until-commit-horizon';

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** Runs steps and keeps the step table (returned by the workflows and their `steps` query). */
export class StepRunner {
  readonly steps: StepRecord[] = [];
  /** Log attributes of the write (connection id, system, ...), set by `beginWrite`. */
  readonly logContext: LogContext = {};
  /** The write's connection: pacing, and waits while it needs reauthorization or is down. */
  readonly connection: ConnectionWaits;
  /** Creates sent again after an unresolved unknown outcome, for the late-duplicate sweep. */
  readonly resent: ResentCreate[] = [];
  /** Set by `useTiming` once the profile is known (beginWrite); before it, the budget's settle delay. */
  private timing?: RunnerTiming;

  constructor(
    private readonly budget: RetryBudget,
    private readonly label: string,
  ) {
    this.connection = new ConnectionWaits(budget.maxConnectionWaitMs ?? DEFAULT_RETRY_BUDGET.maxConnectionWaitMs);
  }

  /** The system's timing (profile); a settle delay the caller gave in its retry budget wins. */
  useTiming(system: string, timing: { settleMs: number; commitHorizonMs: number }, callerSettleMs?: number): void {
    this.timing = { system, settleMs: callerSettleMs ?? timing.settleMs, commitHorizonMs: timing.commitHorizonMs };
  }

  /** The system's commit horizon (ms), once the profile is known. */
  get commitHorizonMs(): number | undefined {
    return this.timing?.commitHorizonMs;
  }

  /**
   * After an unknown outcome: looks at each point of the schedule (durable timers, each with its
   * reason), and stops at once when a lookup finds the write. Returns what it found and the time
   * it waited (which spends none of the step's time budget: it waits for the system, not for a retry).
   */
  private async lookUntilHorizon<T>(
    name: string,
    info: MakiniFailureInfo,
    rec: StepRecord,
    timing: RunnerTiming,
    checkLanded: () => Promise<T | undefined>,
  ): Promise<{ landed: T | undefined; waitedMs: number }> {
    const since = Date.now();
    const schedule = lookupSchedule(timing.settleMs, timing.commitHorizonMs);
    upsertSearchAttributes([{ key: SA_WAITING_FOR, value: 'commit-horizon' }]);
    try {
      for (const [i, at] of schedule.entries()) {
        const waitMs = Math.max(since + at - Date.now(), 1);
        const cause = horizonWaitCause(shortCause(info), timing.system, waitMs, i, schedule, timing.commitHorizonMs);
        this.details(`step ${this.steps.length}: ${name} — ${cause}`);
        rec.waits.push({ cause, ms: waitMs });
        await sleep(waitMs, { summary: cause });
        this.details(`step ${this.steps.length}: ${name} — ${shortCause(info)} may have applied the write; checking`);
        const landed = await checkLanded();
        observeLandedCheck(name, landed !== undefined, this.logContext);
        if (landed !== undefined) return { landed, waitedMs: Date.now() - since };
      }
      return { landed: undefined, waitedMs: Date.now() - since };
    } finally {
      upsertSearchAttributes([{ key: SA_WAITING_FOR, value: null }]);
    }
  }

  /** The backoff before jitter: the most `backoff(attempt)` can be. */
  private backoffCeiling(attempt: number): number {
    return Math.min(this.budget.maxBackoffMs, this.budget.baseBackoffMs * 2 ** (attempt - 1));
  }

  /** Exponential backoff with jitter; `Math.random` is seeded per workflow, so replay-safe. */
  private backoff(attempt: number): number {
    return Math.round(this.backoffCeiling(attempt) * (0.5 + Math.random() * 0.5));
  }

  /**
   * The wait a Retry-After asks for, but at least the base backoff: `Retry-After: 0` or a date
   * already past would otherwise retry after 1 ms, as often as the attempts allow. A Retry-After
   * above the base is honoured as sent (Makini knows its window; a growing floor would only cost
   * goodput). Histories from before the floor replay without it; the patch is consulted only where
   * the floor changes the wait, so other waits' histories stay as they were.
   */
  private retryAfterWait(retryAfterMs: number): { ms: number; floored: boolean } {
    const floor = this.budget.baseBackoffMs;
    if (retryAfterMs >= floor || !patched(RETRY_AFTER_FLOOR_PATCH)) return { ms: retryAfterMs, floored: false };
    return { ms: floor, floored: true };
  }

  private details(text: string) {
    setCurrentDetails(`${this.label}\n\n${text}`);
  }

  /** Records a step that did not call Makini (a check), for the step table. */
  note(name: string, outcome: StepRecord['outcome'], note: string): void {
    const rec: StepRecord = {
      name,
      startedAt: new Date().toISOString(),
      durationMs: 0,
      attempts: 0,
      requestIds: [],
      makiniProcessingMs: 0,
      outcome,
      waits: [],
      note,
    };
    this.steps.push(rec);
    observeStep(rec, this.logContext);
  }

  /**
   * Runs the step `name`: calls the Makini `activity` with its `input` until it succeeds, fails for
   * good, or the budget runs out. Each attempt carries the step's summary in the UI.
   */
  run<K extends StepActivity>(name: string, activity: K, input: InputOf<K>, opts: StepOptions<ValueOf<K>>): Promise<ValueOf<K>> {
    return this.runCall(name, (summary) => callMakini(activity, summary, input), opts);
  }

  private async runCall<T>(name: string, call: (summary: string) => Promise<ActivityResult<T>>, opts: StepOptions<T>): Promise<T> {
    const started = Date.now();
    const rec: StepRecord = {
      name,
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
      attempts: 0,
      requestIds: [],
      makiniProcessingMs: 0,
      outcome: 'running',
      waits: [],
    };
    this.steps.push(rec);
    const finish = (outcome: StepRecord['outcome'], note?: string) => {
      rec.outcome = outcome;
      rec.durationMs = Date.now() - started;
      if (note) rec.note = note;
      observeStep(rec, this.logContext);
    };
    let sawAmbiguous = false;
    // An unknown outcome the lookups up to the horizon did not resolve: a record the resend
    // creates may meet a late duplicate (the sweep looks again).
    let unresolvedUnknown = false;
    // Attempts and time spent held back by the connection (not by this call) spend no budget.
    let heldAttempts = 0;
    let heldMs = 0;
    let tokenRefreshTried = false;
    // A write call that waited out its connection's pause before it went (connections/workflow/pacing.ts): held, not this call's budget.
    const noteRateWaits = () => {
      for (const w of takeRateWaits()) {
        rec.waits.push(w);
        heldMs += w.ms;
      }
    };
    for (;;) {
      rec.attempts += 1;
      const attemptAt = Date.now();
      this.details(`step ${this.steps.length}: ${name}, attempt ${rec.attempts}`);
      const resumeMark = this.connection.mark;
      let info: MakiniFailureInfo;
      try {
        const res = await call(rec.attempts === 1 ? opts.summary : `${opts.summary} (attempt ${rec.attempts})`).finally(noteRateWaits);
        rec.requestIds.push(...res.call.requestIds);
        rec.makiniProcessingMs += res.call.processingTimeMs;
        finish('succeeded');
        if (unresolvedUnknown) this.resent.push({ step: name, resentAt: Date.now() });
        return res.value;
      } catch (err) {
        info = failureInfoOf(err);
      }
      if (info.requestId) rec.requestIds.push(info.requestId);
      rec.makiniProcessingMs += info.processingTimeMs ?? 0;
      this.connection.learn(info);
      if (info.type === MakiniFailureType.notSent) {
        // Nothing reached Makini (src/makini/send-window.ts): no attempt, no lookup; again once a
        // send slot is free (at least the base backoff, so that it cannot spin).
        rec.attempts -= 1;
        const delay = Math.max(info.retryAfterMs ?? 0, this.budget.baseBackoffMs);
        const cause = `${info.message}; scheduling it again in ${seconds(delay)}`;
        rec.waits.push({ cause, ms: delay });
        this.details(`step ${this.steps.length}: ${name} — ${cause}`);
        await sleep(delay, { summary: cause });
        heldMs += delay;
        continue;
      }
      const block = connectionBlockOf(info);
      if (block) {
        // A call the gate never sent is no attempt; a 401 was one, but spends none of the budget.
        if (info.type === MakiniFailureType.connectionBlocked) rec.attempts -= 1;
        else heldAttempts += 1;
        // A 401 with a token the worker refreshes: one refresh, then send again, before any wait.
        // (The gate does not report such a 401: the write does, when it is going to wait.)
        if (info.tokenRefreshable && patched(REFRESH_TOKEN_ON_401_PATCH)) {
          if (!tokenRefreshTried) {
            tokenRefreshTried = true;
            if (await this.connection.refreshToken(attemptAt, rec)) continue;
          }
          await this.connection.reportAuthFailed(info, attemptAt);
        }
        heldMs += await this.connection.hold(block, info, resumeMark, rec, (t) =>
          this.details(`step ${this.steps.length}: ${name} — ${t}`),
        );
        continue;
      }
      // Look before repeating a write that may have happened (src/makini/outcome.ts), and before
      // failing one that did: a refusal after an earlier ambiguous attempt may be that attempt
      // landing late ("line 7 already exists").
      const lookFirst = info.ambiguous || (!info.retryable && sawAmbiguous);
      sawAmbiguous ||= info.ambiguous;
      const timing = this.timing;
      if (info.ambiguous && opts.createsRecord && opts.checkLanded && timing && patched(COMMIT_HORIZON_PATCH)) {
        let found: { landed: T | undefined; waitedMs: number };
        try {
          found = await this.lookUntilHorizon(name, info, rec, timing, opts.checkLanded);
        } catch (err) {
          // The check itself decided to stop (it cannot tell whether the write landed).
          finish('failed', `${shortCause(info)}; ${err instanceof Error ? err.message : String(err)}`);
          throw err;
        }
        const { landed, waitedMs } = found;
        heldMs += waitedMs;
        if (landed !== undefined) {
          finish('succeeded', `${shortCause(info)} after the write had landed; found it`);
          // Found after an earlier send that no lookup had found: the other request may land late.
          if (unresolvedUnknown) this.resent.push({ step: name, resentAt: Date.now() });
          return landed;
        }
        unresolvedUnknown = true;
      } else if (lookFirst && opts.checkLanded && (opts.checkLandedSince === undefined || patched(opts.checkLandedSince))) {
        // Histories from before the settle delay replay without it.
        if (info.ambiguous && this.budget.ambiguousSettleMs > 0 && patched(SETTLE_BEFORE_CHECK_PATCH)) {
          const settle = `${shortCause(info)}: letting the write settle ${seconds(this.budget.ambiguousSettleMs)} before looking`;
          this.details(`step ${this.steps.length}: ${name} — ${settle}`);
          rec.waits.push({ cause: settle, ms: this.budget.ambiguousSettleMs });
          await sleep(this.budget.ambiguousSettleMs, { summary: settle });
        }
        this.details(`step ${this.steps.length}: ${name} — ${shortCause(info)} may have applied the write; checking`);
        let landed: T | undefined;
        try {
          landed = await opts.checkLanded();
        } catch (err) {
          // The check itself decided to stop (it cannot tell whether the write landed).
          finish('failed', `${shortCause(info)}; ${err instanceof Error ? err.message : String(err)}`);
          throw err;
        }
        observeLandedCheck(name, landed !== undefined, this.logContext);
        if (landed !== undefined) {
          finish('succeeded', `${shortCause(info)} after the write had landed; found it`);
          return landed;
        }
      }
      if (!info.retryable) {
        finish('failed', info.message);
        throw ApplicationFailure.create({
          type: info.type,
          message: `step "${name}" failed: ${info.message}${info.requestId ? ` (request ${info.requestId})` : ''}`,
          nonRetryable: true,
          details: [{ step: name, failure: info }],
        });
      }
      const counted = rec.attempts - heldAttempts;
      const retryAfter = info.retryAfterMs === undefined ? undefined : this.retryAfterWait(Math.max(info.retryAfterMs, 0));
      const wantsRetryAfter = retryAfter !== undefined;
      const delay = retryAfter ? retryAfter.ms : this.backoff(counted);
      const elapsed = Date.now() - started - heldMs;
      const waited = !retryAfter
        ? `backoff ${seconds(delay)}`
        : retryAfter.floored
          ? `Retry-After ${seconds(info.retryAfterMs ?? 0)}, backoff ${seconds(delay)}`
          : info.retryAfterCappedFromMs !== undefined
            ? // The connection policy's maxRetryAfterMs (src/connections/workflow/control-state.ts), applied by the gate.
              `Retry-After ${seconds(info.retryAfterCappedFromMs)} capped at ${seconds(delay)}`
            : `Retry-After ${seconds(delay)}`;
      const cause = `${shortCause(info)}, ${waited}${info.requestId ? `, ${info.requestId}` : ''}`;
      const outOfAttempts = counted >= this.budget.maxAttempts;
      const outOfTime = elapsed + delay > this.budget.maxTotalMs;
      if (outOfAttempts || outOfTime) {
        const why = outOfAttempts
          ? `${counted} attempts used (budget ${this.budget.maxAttempts})`
          : `waiting ${seconds(delay)} would exceed the step's time budget of ${seconds(this.budget.maxTotalMs)} (${seconds(elapsed)} used)`;
        finish('failed', `${cause}; ${why}`);
        throw ApplicationFailure.create({
          type: WriteFailureType.retryBudgetExhausted,
          message: `step "${name}" gave up: last answer ${cause}; ${why}`,
          nonRetryable: true,
          details: [{ step: name, failure: info }],
        });
      }
      observeWait(name, info, delay, wantsRetryAfter, rec.attempts, this.logContext);
      rec.waits.push({ cause, ms: delay });
      this.details(`step ${this.steps.length}: ${name} — waiting ${seconds(delay)}: ${cause}`);
      await sleep(Math.max(delay, 1), { summary: cause });
    }
  }
}
