// The connection gate: an activity interceptor around every Makini activity of a configured
// connection. Before the call it asks the connection's control workflow (a query: no history
// events; one per connection at a time per worker process, see gate-view-cache.ts) whether the
// call may go; after it, it reports 429 / 5xx / no answer / 401 (and the first success after
// failures) by signal-with-start. It never blocks a call because Temporal is slow:
// without an answer within the timeout the call goes.
import { log, type Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import { GateViewCache } from './gate-view-cache.js';
import { LocalPauses } from './local-pauses.js';
import { SendSpacing } from './send-spacing.js';
import { broadcastRateChange } from './rate-broadcast.js';
import { runWithConnectionRate } from './rate-of-call.js';
import { currentSendWindow, notSentInfo, waitInWindow } from '../makini/send-window.js';
import { connectionIdOf } from '../makini/activity-input.js';
import {
  connectionPolicySchema,
  reducedCap,
  retryAfterExceedsCap,
  type ConnectionPolicy,
  type ConnectionPolicyInput,
  type ConnectionReport,
  type GateView,
} from './workflow/control-state.js';
import {
  gateDecision,
  isLastingBlock,
  workflowQueueOf,
  writesPerSecondOfWeight,
  WRITE_CALLS_QUEUE_SUFFIX,
} from './workflow/gate-policy.js';
import { makiniFailureInfoSchema, MakiniFailureType, type MakiniFailureInfo } from '../failures/workflow/failure-types.js';
import {
  CONNECTION_CONTROL_WORKFLOW,
  connectionControlWorkflowId,
  connectionGateQuery,
  connectionReportSignal,
  type ConnectionControlInput,
} from './workflow/messages.js';

export interface ConnectionGateOptions {
  /** A client of the worker's namespace. */
  client: Client;
  /** The configured connections: only calls whose input's `connectionId` is one of these pass the gate. */
  connectionIds: Iterable<string>;
  /** Policy a control workflow starts with when this worker starts it. */
  policy?: ConnectionPolicyInput;
  /** How long to wait for the control workflow's answer before letting the call go (default 2 s). */
  queryTimeoutMs?: number;
  /** How long one answer serves every call of this process on the connection (default 1 s). */
  viewMaxAgeMs?: number;
}

/**
 * Activities the gate never holds though their input names a connection: the OAuth token refresh
 * runs while the connection waits for reauthorization (src/connections/token-refresh.ts).
 */
const UNGATED_ACTIVITIES: ReadonlySet<string> = new Set(['refreshConnectionToken']);

/**
 * The debug record of a paced write call leaving the gate: when the gate got the task
 * (`enteredAtMs`), when it let the request go (`releasedAtMs`) and how long of that was this
 * process's send spacing (`spacingWaitMs`). The activity logger adds the workflow id and attempt.
 * With the server's dispatch time (ActivityTaskStarted) it splits a late send into the worker
 * taking the task up, the spacing and the request itself (the rate benchmark reads it).
 */
export const PACED_SEND_RELEASED = 'connection gate: paced write call released';

export interface PacedSendReleased {
  connectionId: string;
  enteredAtMs: number;
  releasedAtMs: number;
  spacingWaitMs: number;
}

/** What a failed call tells the connection, if anything. */
export function reportOfFailure(
  err: unknown,
  callStartedAt: number,
  pacedAt: number | undefined,
  waiter: string,
): ConnectionReport | undefined {
  if (!(err instanceof ApplicationFailure)) return undefined;
  const parsed = makiniFailureInfoSchema.safeParse(err.details?.[0]);
  if (!parsed.success) return undefined;
  const info = parsed.data;
  const at = Date.now();
  const common = { at, message: info.message, ...(info.requestId ? { requestId: info.requestId } : {}) };
  switch (info.type) {
    case MakiniFailureType.rateLimited:
      return { kind: 'rate-limited', ...common, retryAfterMs: info.retryAfterMs, writesPerSecond: pacedAt };
    case MakiniFailureType.serverError:
    case MakiniFailureType.network:
      return { kind: 'server-error', ...common, status: info.status, code: info.code };
    case MakiniFailureType.authentication:
      // A token the worker refreshes: the write refreshes it first and reports only if it then
      // waits (waits.ts), so other writes are not held back for a refresh that takes a moment.
      if (info.tokenRefreshable) return undefined;
      return { kind: 'auth-failed', ...common, callStartedAt, waiter };
    default:
      return undefined;
  }
}

/** What every gate of one worker process shares. */
interface GateShared {
  ids: ReadonlySet<string>;
  views: GateViewCache<GateView | undefined>;
  /**
   * Connections (by control workflow id) this process reported a 5xx / unanswered call to since
   * it last reported a success. Known here at once; the control's count reaches a view late.
   */
  failuresSinceSuccess: Set<string>;
  /** 429s this process got itself: they hold its write calls at once (local-pauses.ts). */
  pauses: LocalPauses;
  /** The spacing of this process's paced write sends per connection (send-spacing.ts). */
  spacing: SendSpacing;
  policy: ConnectionPolicy;
}

class ConnectionGate implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly opts: ConnectionGateOptions,
    private readonly shared: GateShared,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const info = this.ctx.info;
    // By name, from the one input object (src/activities/positional.ts made it so, and refused a
    // Makini activity's input without one); an activity without one calls no connection.
    const connectionId = connectionIdOf(input.args);
    const waiter = info.workflowExecution?.workflowId;
    // The control workflow's own probe must pass while the breaker is open, and so must a token
    // refresh (it is what ends a reauthorization wait).
    if (
      connectionId === undefined ||
      !this.shared.ids.has(connectionId) ||
      !waiter ||
      info.workflowType === CONNECTION_CONTROL_WORKFLOW ||
      UNGATED_ACTIVITIES.has(info.activityType)
    ) {
      return next(input);
    }
    const enteredAtMs = Date.now();
    const taskQueue = workflowQueueOf(info.taskQueue);
    const weight = info.priority?.fairnessWeight;
    const pacedAt = info.taskQueue.endsWith(WRITE_CALLS_QUEUE_SUFFIX) && weight ? writesPerSecondOfWeight(weight) : undefined;
    // The control workflow's id keys everything this process knows of the connection.
    const controlId = connectionControlWorkflowId(taskQueue, connectionId);
    // Checked after the await and right before the call: a 429 that came in meanwhile holds it.
    const fetched = await this.shared.views.get(controlId);
    const decide = () => {
      const view = this.shared.pauses.merge(controlId, fetched, this.shared.policy, Date.now());
      return { view, decision: gateDecision(view, pacedAt, Date.now()) };
    };
    let { view, decision } = decide();
    let spacingWaitMs = 0;
    if (decision.proceed && pacedAt !== undefined) {
      // Bounded by the attempt: a call held past it would leave after the workflow gave up on it.
      const window = currentSendWindow();
      const now = Date.now();
      const slot = this.shared.spacing.reserveWithin(controlId, pacedAt, now, window ? window.latestSendAt - now : Infinity);
      if (!slot.reserved) {
        const failure = notSentInfo(
          `this process's send spacing of the connection holds writes ${(slot.waitMs / 1000).toFixed(1)} s, ` +
            `longer than the activity attempt has left before its request must leave`,
          undefined,
          undefined,
          slot.waitMs,
        );
        throw ApplicationFailure.create({ type: failure.type, message: failure.message, nonRetryable: true, details: [failure] });
      }
      if (slot.waitMs > 0) {
        spacingWaitMs = slot.waitMs;
        if (window) await waitInWindow(window, slot.waitMs);
        else await this.ctx.sleep(slot.waitMs);
        // A call of this process may have got a 429 meanwhile: its pause holds this one too.
        ({ view, decision } = decide());
      }
    }
    if (!decision.proceed) {
      const { proceed: _p, message, ...block } = decision;
      if (isLastingBlock(decision.block))
        await this.report(taskQueue, connectionId, controlId, { kind: 'waiting', at: Date.now(), waiter });
      const failure: MakiniFailureInfo = {
        type: MakiniFailureType.connectionBlocked,
        message: `not sent: ${message}`,
        retryable: true,
        ambiguous: false,
        connection: block,
      };
      throw ApplicationFailure.create({ type: failure.type, message: failure.message, nonRetryable: true, details: [failure] });
    }
    const startedAt = Date.now();
    if (pacedAt !== undefined) {
      this.ctx.log.debug(PACED_SEND_RELEASED, {
        connectionId,
        enteredAtMs,
        releasedAtMs: startedAt,
        spacingWaitMs,
      } satisfies PacedSendReleased);
    }
    try {
      // The profile lookup hands the connection's cut rate and pause to the write (rate-of-call.ts).
      const out = await runWithConnectionRate(view, () => next(input));
      // A success resets the breaker's count of consecutive failures: it is reported when this
      // process reported a failure since its last success (checked first and without waiting, so
      // it goes as promptly as failures do: the control counts reports in the order they arrive),
      // or the control's view as of now, not as of the start, shows failures.
      const { failuresSinceSuccess, views } = this.shared;
      if (failuresSinceSuccess.has(controlId) || ((await views.get(controlId))?.consecutiveFailures ?? 0) > 0) {
        failuresSinceSuccess.delete(controlId);
        await this.report(taskQueue, connectionId, controlId, { kind: 'succeeded', at: Date.now() });
      }
      return out;
    } catch (err) {
      const report = reportOfFailure(err, startedAt, pacedAt, waiter);
      if (report?.kind === 'server-error') this.shared.failuresSinceSuccess.add(controlId);
      if (report?.kind !== 'rate-limited' || !(err instanceof ApplicationFailure)) {
        if (report) await this.report(taskQueue, connectionId, controlId, report);
        throw err;
      }
      // A Retry-After beyond the policy's cap is honoured for the cap only, here (this process's
      // pause), by the control workflow (which caps the report itself) and by the write's own wait.
      const { maxRetryAfterMs, defaultPauseMs } = this.shared.policy;
      const capped = retryAfterExceedsCap(report.retryAfterMs, this.shared.policy);
      const pauseMs = capped ? maxRetryAfterMs : (report.retryAfterMs ?? defaultPauseMs);
      // A pause already running (this process's or the control's) answers the same burst: the rate is cut once for it.
      const sameEpisode = (this.shared.pauses.merge(controlId, view, this.shared.policy, report.at)?.pausedUntil ?? 0) > report.at;
      // The write that got the 429 goes on at the reduced rate the control now holds, without a bounce.
      const rateCapPerSecond =
        pacedAt === undefined
          ? undefined
          : reducedCap(view?.capPerSecond, view?.ceilingPerSecond, pacedAt, view?.policy ?? this.shared.policy);
      // Before the report goes: this process's next write calls must not wait for the control to have
      // it, and writes resolving their profile now learn the cut as well (the control cuts once per episode).
      this.shared.pauses.note(controlId, report.at, pauseMs, sameEpisode ? undefined : rateCapPerSecond);
      if (!sameEpisode && pacedAt !== undefined) {
        // Writes queued at the old weight move instead of being dispatched and held back (workflow/pacing.ts);
        // told beside the report, not after it: each moment lets the server dispatch one more at the old rate.
        const change = { connectionId, capPerSecond: rateCapPerSecond, pausedUntil: report.at + pauseMs };
        void broadcastRateChange(this.opts.client, taskQueue, change, waiter).catch((e: unknown) =>
          this.ctx.log.warn('connection gate: could not tell the writes of a rate change', { connectionId, error: (e as Error).message }),
        );
      }
      await this.report(taskQueue, connectionId, controlId, report);
      if (!capped && pacedAt === undefined) throw err;
      throw ApplicationFailure.create({
        type: err.type ?? undefined,
        message: err.message,
        nonRetryable: err.nonRetryable ?? undefined,
        details: [
          {
            ...(err.details?.[0] as object),
            ...(rateCapPerSecond === undefined ? {} : { rateCapPerSecond }),
            ...(capped ? { retryAfterMs: maxRetryAfterMs, retryAfterCappedFromMs: report.retryAfterMs } : {}),
          },
        ],
      });
    }
  }

  private async report(taskQueue: string, connectionId: string, workflowId: string, report: ConnectionReport): Promise<void> {
    const { client } = this.opts;
    const args: [ConnectionControlInput] = [{ connectionId, ...(this.opts.policy ? { policy: this.opts.policy } : {}) }];
    const sent = client.connection
      .withDeadline(Date.now() + 10_000, () =>
        client.workflow.signalWithStart(CONNECTION_CONTROL_WORKFLOW, {
          workflowId,
          taskQueue,
          args,
          signal: connectionReportSignal,
          signalArgs: [report],
        }),
      )
      .then(
        () => undefined,
        (err: unknown) => {
          // The write's own handling (its retry, its wait with a periodic re-check) does not depend on this.
          this.ctx.log.warn(`connection gate: could not report ${report.kind} to ${workflowId}`, {
            connectionId,
            error: (err as Error).message,
          });
        },
      );
    // The control's state is changing: this process's next calls wait for the report, then ask again.
    this.shared.views.refreshAfter(workflowId, sent);
    await sent;
  }
}

/** Asks a connection's control workflow what it knows; undefined when it does not exist or does not answer in time. */
async function queryView(opts: ConnectionGateOptions, workflowId: string): Promise<GateView | undefined> {
  const { client } = opts;
  try {
    return await client.connection.withDeadline(Date.now() + (opts.queryTimeoutMs ?? 2_000), () =>
      client.workflow.getHandle(workflowId).query(connectionGateQuery),
    );
  } catch (err) {
    // No control workflow yet: nothing has gone wrong on this connection.
    if (!(err instanceof WorkflowNotFoundError))
      log.warn(`connection gate: no answer from ${workflowId}; the call goes`, { error: (err as Error).message });
    return undefined;
  }
}

/** The gate as an activity interceptor factory (see src/composition/compose.ts). */
export function connectionGateInterceptors(opts: ConnectionGateOptions): ActivityInterceptorsFactory {
  const shared: GateShared = {
    ids: new Set(opts.connectionIds),
    views: new GateViewCache({ fetch: (workflowId) => queryView(opts, workflowId), maxAgeMs: opts.viewMaxAgeMs ?? 1_000 }),
    failuresSinceSuccess: new Set(),
    pauses: new LocalPauses(),
    spacing: new SendSpacing(),
    policy: connectionPolicySchema.parse(opts.policy ?? {}),
  };
  return (ctx) => ({ inbound: new ConnectionGate(ctx, opts, shared) });
}
