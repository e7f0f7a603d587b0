// One long-lived workflow per connection (id `connection/<taskQueue>/<connectionId>`, started by
// signal-with-start from whoever reports first): owns the connection's adaptive rate, circuit
// breaker, reauthorization state, recent errors and webhook events; probes an open breaker; tells
// the writes waiting for the connection when it is clear. Continues as new before its history grows large.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConnectionActivities } from '../activity-contract.js';
import {
  ConnectionControl,
  connectionEventSchema,
  connectionPolicySchema,
  connectionReportSchema,
  connectionStateSchema,
  reauthorizationSchema,
  retryAfterExceedsCap,
  tokenNoticeSchema,
  type ConnectionHealth,
  type TokenRefreshAnswer,
  type Effects,
} from './control-state.js';
import { ConnectionControlFailureType } from '../../failures/workflow/failure-types.js';
import { SA_CONNECTION_HEALTH, SA_CONNECTION_ID } from '../../observability/workflow/search-attributes.js';
import {
  connectionEventSignal,
  connectionResumedSignal,
  connectionGateQuery,
  connectionPolicySignal,
  connectionReportSignal,
  connectionStateQuery,
  connectionTokenSignal,
  reauthorizedSignal,
  type ConnectionControlInput,
  type ConnectionStatus,
} from './messages.js';

const { probeConnection } = proxyActivities<Pick<ConnectionActivities, 'probeConnection'>>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

// Not retried by Temporal: the control schedules the next attempt itself (a durable timer), so
// every attempt and wait is visible, and a refused refresh is not repeated.
const { refreshConnectionToken } = proxyActivities<Pick<ConnectionActivities, 'refreshConnectionToken'>>({
  startToCloseTimeout: '60 seconds',
  retry: { maximumAttempts: 1 },
});

/** Patch id of the OAuth token refresh schedule (histories before it have no token state). */
export const TOKEN_REFRESH_PATCH = 'connection-oauth-token-refresh';

/** Patch id: a 429's pause is capped by the policy's maxRetryAfterMs (before it, a Retry-After was honoured up to 7 days). */
export const RETRY_AFTER_CAP_PATCH = 'connection-retry-after-cap';

/** Continue as new past this many events (reports arrive as signals, one per 429/5xx/401). */
const MAX_HISTORY_EVENTS = 2000;

/** The control loop of one connection. Never completes; continues as new with its state. */
export async function connectionControl(input: ConnectionControlInput): Promise<void> {
  const connectionId = typeof input?.connectionId === 'string' ? input.connectionId : '';
  if (!connectionId) {
    throw ApplicationFailure.create({
      type: ConnectionControlFailureType.invalidInput,
      nonRetryable: true,
      message: 'connectionControl needs { connectionId }',
    });
  }
  const carried = input.state === undefined ? undefined : connectionStateSchema.safeParse(input.state);
  // A bad policy fails the workflow, naming the field, rather than its workflow task forever.
  const parsedPolicy = connectionPolicySchema.safeParse(input.policy ?? {});
  if (!parsedPolicy.success) {
    throw ApplicationFailure.create({
      type: ConnectionControlFailureType.invalidInput,
      nonRetryable: true,
      message: `invalid connectionControl policy: ${parsedPolicy.error.issues.map((i) => `${i.path.join('.') || '(policy)'}: ${i.message}`).join('; ')}`,
    });
  }
  const policy = parsedPolicy.data;
  const control = new ConnectionControl(carried?.success ? carried.data : ConnectionControl.initial(connectionId, policy));

  let changed = false;
  const pending: string[] = [];
  const apply = (fx: Effects) => {
    pending.push(...fx.release);
    changed = true;
  };
  // Bad messages are logged and dropped: nothing a sender does may stop the connection's control.
  setHandler(connectionReportSignal, (raw) => {
    const r = connectionReportSchema.safeParse(raw);
    if (r.success) {
      // The cap on a Retry-After changes this workflow's timers: consulted only where it applies,
      // so that histories from before it (and every report within the cap) replay as recorded.
      const capRetryAfter =
        r.data.kind !== 'rate-limited' ||
        !retryAfterExceedsCap(r.data.retryAfterMs, control.state.policy) ||
        patched(RETRY_AFTER_CAP_PATCH);
      apply(control.report(r.data, Date.now(), { capRetryAfter }));
    } else log.warn('connectionControl: ignored a malformed report', { connectionId, issues: r.error.issues.length });
  });
  setHandler(connectionEventSignal, (raw) => {
    const e = connectionEventSchema.safeParse(raw);
    if (e.success) apply(control.event(e.data, Date.now()));
    else log.warn('connectionControl: ignored a malformed event', { connectionId, issues: e.error.issues.length });
  });
  setHandler(reauthorizedSignal, (raw) => {
    const r = reauthorizationSchema.safeParse(raw ?? {});
    apply(control.reauthorized(r.success ? r.data.by : 'unknown', Date.now()));
  });
  setHandler(connectionTokenSignal, (raw) => {
    const n = tokenNoticeSchema.safeParse(raw ?? {});
    if (n.success) apply(control.tokenNotice(n.data, Date.now()));
    else log.warn('connectionControl: ignored a malformed token notice', { connectionId, issues: n.error.issues.length });
  });
  setHandler(connectionPolicySignal, (raw) => {
    const p = connectionPolicySchema.safeParse(raw ?? {});
    if (p.success) control.setPolicy(p.data);
    changed = true;
  });
  setHandler(connectionStateQuery, (): ConnectionStatus => {
    const { seenEventIds: _seen, ...state } = control.state;
    return { health: control.health(Date.now()), asOf: Date.now(), state };
  });
  setHandler(connectionGateQuery, () => control.gateView());

  upsertSearchAttributes([{ key: SA_CONNECTION_ID, value: connectionId }]);
  let shownHealth: ConnectionHealth | undefined;
  for (;;) {
    changed = false;
    control.recover(Date.now());
    if (control.probeDue(Date.now())) {
      control.probing();
      showHealth();
      let result: { outcome: 'up' | 'down' | 'auth'; message: string };
      try {
        result = await probeConnection({ connectionId });
      } catch (err) {
        result = { outcome: 'down', message: `probe failed: ${err instanceof Error ? err.message : String(err)}` };
      }
      apply(control.probeResult(result.outcome, result.message, Date.now()));
    }
    if (control.tokenDue(Date.now())) {
      if (patched(TOKEN_REFRESH_PATCH)) {
        let answer: TokenRefreshAnswer;
        try {
          answer = await refreshConnectionToken({ connectionId, when: 'due' });
        } catch (err) {
          answer = { outcome: 'unavailable', message: `token refresh failed: ${err instanceof Error ? err.message : String(err)}` };
        }
        apply(control.tokenResult(answer, Date.now()));
      } else control.tokenIdle();
    }
    await release(pending.splice(0));
    showHealth();
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS) {
      await condition(allHandlersFinished);
      if (!changed && pending.length === 0) {
        await continueAsNew<typeof connectionControl>({ connectionId, state: control.state });
      }
      continue;
    }
    const wake = control.nextWakeAt(Date.now());
    if (wake === undefined) await condition(() => changed);
    else await condition(() => changed, Math.max(1, wake - Date.now()));
  }

  function showHealth(): void {
    const health = control.health(Date.now());
    if (health === shownHealth) return;
    shownHealth = health;
    upsertSearchAttributes([{ key: SA_CONNECTION_HEALTH, value: health }]);
  }

  async function release(waiters: string[]): Promise<void> {
    // A write that finished or was terminated meanwhile cannot be signalled: nothing to do for it.
    await Promise.all(
      waiters.map((id) =>
        getExternalWorkflowHandle(id)
          .signal(connectionResumedSignal, { connectionId })
          .catch(() => undefined),
      ),
    );
  }
}
