// Temporal's own ceiling: a workflow making the same number of sequential activity calls as a PO
// create, each one a no-op.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { BenchActivities } from './activities.js';

const { noop } = proxyActivities<BenchActivities>({ startToCloseTimeout: '30 seconds' });

export async function minimalWorkflow(activities: number): Promise<number> {
  for (let i = 0; i < activities; i += 1) await noop();
  return activities;
}

/** Temporal's own cost per step: each no-op activity's duration in workflow time, as the product's steps are measured. */
export async function timedNoopWorkflow(activities: number): Promise<number[]> {
  const took: number[] = [];
  for (let i = 0; i < activities; i += 1) {
    const t = Date.now();
    await noop();
    took.push(Date.now() - t);
  }
  return took;
}

/** Temporal's own cost of a waiting workflow: nothing but a durable timer. */
export async function sleepingWorkflow(seconds: number): Promise<void> {
  await sleep(seconds * 1000);
}
