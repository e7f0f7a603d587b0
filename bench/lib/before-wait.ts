// What a workflow did before it settled on its durable timer, read from its history: how many
// workflow tasks the server had to dispatch and a worker to run, how many events, activities and
// local activities, and how long it took by the server's clock. Reaching the waiting state costs
// each of those; a bare sleeping workflow does one workflow task and starts its timer.
import type { WorkflowHandle } from '@temporalio/client';
import { eventMs } from './history-times.js';
import { mapLimit, percentile } from './stats.js';

export interface BeforeWait {
  /** Workflows whose history was read (a sample spread over the run). */
  sampled: number;
  /** Medians per workflow up to its first TimerStarted that lasts at least `minTimerMs`. */
  workflowTasks: number;
  events: number;
  activities: number;
  localActivities: number;
  /** Server time from WorkflowExecutionStarted to that TimerStarted, ms. */
  startToWaitMs: number;
}

/** Reads `sample` histories spread evenly over `handles`. */
export async function beforeWait(handles: readonly WorkflowHandle[], sample: number, minTimerMs: number): Promise<BeforeWait> {
  const step = Math.max(1, Math.floor(handles.length / sample));
  const picked = handles.filter((_, i) => i % step === 0).slice(0, sample);
  const shapes = await mapLimit(picked, 8, async (h) => {
    const events = (await h.fetchHistory()).events ?? [];
    const shape = { workflowTasks: 0, events: 0, activities: 0, localActivities: 0, startToWaitMs: Number.NaN };
    const startedMs = events[0] ? eventMs(events[0]) : Number.NaN;
    for (const e of events) {
      shape.events += 1;
      if (e.workflowTaskCompletedEventAttributes) shape.workflowTasks += 1;
      if (e.activityTaskScheduledEventAttributes) shape.activities += 1;
      if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity') shape.localActivities += 1;
      const timer = e.timerStartedEventAttributes?.startToFireTimeout;
      if (timer && Number(timer.seconds ?? 0) * 1000 + (timer.nanos ?? 0) / 1e6 >= minTimerMs) {
        shape.startToWaitMs = eventMs(e) - startedMs;
        break;
      }
    }
    return shape;
  });
  const median = (key: keyof (typeof shapes)[number]) => percentile(shapes.map((s) => s[key]).filter(Number.isFinite), 50);
  return {
    sampled: shapes.length,
    workflowTasks: median('workflowTasks'),
    events: median('events'),
    activities: median('activities'),
    localActivities: median('localActivities'),
    startToWaitMs: median('startToWaitMs'),
  };
}
