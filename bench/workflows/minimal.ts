// Temporal's own cost, the floor the product is compared with: workflows making the same number of
// sequential activity calls as a PO create, each one a no-op, dispatched the three ways Temporal
// can: through the task queue, eagerly (returned with the workflow task's completion), or local.
import { proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { BenchActivities } from './activities.js';

/** How a no-op step is dispatched. */
export type NoopDispatch = 'regular' | 'eager' | 'local';

const CALL = { startToCloseTimeout: '30 seconds' } as const;
const regular = proxyActivities<BenchActivities>({ ...CALL, allowEagerDispatch: false });
const eager = proxyActivities<BenchActivities>({ ...CALL, allowEagerDispatch: true });
const local = proxyLocalActivities<BenchActivities>(CALL);
const NOOP: Record<NoopDispatch, BenchActivities['noop']> = { regular: regular.noop, eager: eager.noop, local: local.noop };

/** `activities` sequential no-ops (regular dispatch unless told otherwise). */
export async function minimalWorkflow(activities: number, dispatch: NoopDispatch = 'regular'): Promise<number> {
  for (let i = 0; i < activities; i += 1) await NOOP[dispatch]();
  return activities;
}

/**
 * Temporal's own cost per step: each no-op activity's duration in workflow time, as the product's
 * steps are measured. `dispatch`: one way for every step, or one per step (as the product's steps go).
 */
export async function timedNoopWorkflow(activities: number, dispatch: NoopDispatch | NoopDispatch[] = 'regular'): Promise<number[]> {
  const took: number[] = [];
  for (let i = 0; i < activities; i += 1) {
    const t = Date.now();
    await NOOP[Array.isArray(dispatch) ? (dispatch[i] ?? 'regular') : dispatch]();
    took.push(Date.now() - t);
  }
  return took;
}

/** Temporal's own cost of a waiting workflow: nothing but a durable timer. */
export async function sleepingWorkflow(seconds: number): Promise<void> {
  await sleep(seconds * 1000);
}
