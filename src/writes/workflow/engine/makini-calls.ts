// How a write calls a Makini activity: by its name and its one input object. Writes go paced per
// connection on the write-calls queue, reads run as local activities; one attempt each (the step
// runner decides about retries), with the per-call summary in the UI.
//
// Replay and deploys (why the input objects came without new activity names or a patch): replay
// checks an activity command against its recorded event by activity id and type, never by input
// (sdk-core `activity_state_machine.rs`, `ScheduleCommandCreated::on_activity_task_scheduled`,
// under `IdAndTypeDeterminismChecks`), so histories recorded with positional arguments replay
// against these calls unchanged (test/replay, every fixture), and a `patched()` switch would decide
// nothing. What does differ is the activity task: one scheduled before the deploy carries the
// positional arguments, and the new worker still runs it under the same name
// (src/activities/positional.ts). Keeping the names keeps the metrics' `operation` label, the
// dashboards and the reset points as they were. The other direction (an old worker given a task of
// this code) is not covered by names or patches either: deploy/README.md says to replace every replica at once.
import { patched, proxyActivities, proxyLocalActivities, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';
import type { ActivityResult } from '../../../makini/activity-result.js';
import { attemptTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS } from '../../../makini/workflow/call-timing.js';
import { pacedCall } from '../../../connections/workflow/pacing.js';
import type { InventoryActivities } from '../../inventory/activity-contract.js';
import type { PurchaseOrderActivities } from '../../purchase-orders/activity-contract.js';
import type { WorkOrderActivities } from '../../work-orders/activity-contract.js';
import type { ProfileActivities } from '../../../profiles/activity-contract.js';
import { PACED_ACTIVITIES } from '../catalog.js';

/** The Makini activities a write runs as steps (each answers an ActivityResult). */
export type StepActivities = PurchaseOrderActivities & WorkOrderActivities & InventoryActivities & ProfileActivities;
export type StepActivity = keyof StepActivities & string;
/** The one input object of an activity. */
export type InputOf<K extends StepActivity> = Parameters<StepActivities[K]>[0];
/** What a step of that activity returns (the activity's value, without the call record). */
export type ValueOf<K extends StepActivity> = Awaited<ReturnType<StepActivities[K]>> extends ActivityResult<infer T> ? T : never;

/** Every Makini activity: one attempt per call; the step runner decides about retries. */
export const MAKINI_CALL: ActivityOptions = { startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 1 } };

const makini = proxyActivities<StepActivities>(MAKINI_CALL);

/** A read (or the profile lookup) as a local activity: one attempt, the step runner decides about retries. */
const MAKINI_LOCAL_CALL: LocalActivityOptions = { startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 1 } };

const makiniLocal = proxyLocalActivities<StepActivities>(MAKINI_LOCAL_CALL);

/**
 * Patch id of the calls that need no pacing (reads, the profile lookup) running as local
 * activities: each such step was two server round trips (~100 ms on the dev server, measured in
 * `npm run bench`, overhead) and is now part of the workflow task that needs its answer. Writes
 * stay activities on the paced write-calls queue. In the UI a local step is a "Local Activity"
 * event carrying the same summary; its duration is in the step table. Histories from before it
 * replay with the reads as activities (`patched`).
 */
export const LOCAL_READS_PATCH = 'reads-as-local-activities';

type WithOptions<O, R> = { executeWithOptions(o: O, a: unknown[]): R };

/**
 * Start-to-close timeout of this write's Makini calls: its system's request timeout plus the send
 * window (src/makini/workflow/call-timing.ts), so the activity reads its request timeout back from it.
 * Module state is per workflow execution (this module imports connections/workflow/pacing.ts).
 */
let callTimeoutMs = attemptTimeoutMs(DEFAULT_REQUEST_TIMEOUT_MS);

/** The request timeout of the write's system (its profile), once known. */
export function useRequestTimeout(requestTimeoutMs: number): void {
  callTimeoutMs = attemptTimeoutMs(requestTimeoutMs);
}

/**
 * Calls a Makini activity the way every write does: one attempt, a per-call summary in the UI; the
 * activities the catalog lists as writing go paced per connection (connections/workflow/pacing.ts,
 * by the input's `connectionId`), the others run as local activities (LOCAL_READS_PATCH).
 */
export function callMakini<K extends StepActivity>(name: K, summary: string, input: InputOf<K>): Promise<ActivityResult<ValueOf<K>>> {
  type Result = Promise<ActivityResult<ValueOf<K>>>;
  if (PACED_ACTIVITIES.has(name)) {
    const fn = makini[name] as unknown as WithOptions<ActivityOptions, Result>;
    const timeout = callTimeoutMs;
    return pacedCall(input.connectionId, (paced) =>
      fn.executeWithOptions({ ...MAKINI_CALL, startToCloseTimeout: timeout, summary, ...paced }, [input]),
    );
  }
  if (patched(LOCAL_READS_PATCH)) {
    const fn = makiniLocal[name] as unknown as WithOptions<LocalActivityOptions, Result>;
    return fn.executeWithOptions({ ...MAKINI_LOCAL_CALL, startToCloseTimeout: callTimeoutMs, summary }, [input]);
  }
  const fn = makini[name] as unknown as WithOptions<ActivityOptions, Result>;
  return fn.executeWithOptions({ ...MAKINI_CALL, startToCloseTimeout: callTimeoutMs, summary }, [input]);
}
