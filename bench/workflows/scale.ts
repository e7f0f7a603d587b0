// The baseline of the scale benchmark: a bare workflow that waits like a held write (a durable
// timer until a common moment) and then makes the calls a held PO create still has to make (the
// POST as an activity, the read back as a local activity), each a no-op.
import { proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { BenchActivities } from './activities.js';

const CALL = { startToCloseTimeout: '30 seconds' } as const;
const { noop } = proxyActivities<BenchActivities>(CALL);
const local = proxyLocalActivities<BenchActivities>(CALL);

/** Sleeps until `wakeAtMs` (epoch ms, workflow time), then one activity and one local activity. */
export async function waitThenFinishWorkflow(wakeAtMs: number): Promise<void> {
  const left = wakeAtMs - Date.now();
  if (left > 0) await sleep(left);
  await noop();
  await local.noop();
}
