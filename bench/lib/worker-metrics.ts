// The SDK's own worker metrics (Prometheus endpoint of the benchmark's runtime), read before and
// after a phase: how many workflow tasks and activities a phase ran, how long they executed in the
// worker and how long they waited for it, per task queue. Durations are in ms (the SDK default).

/** Histogram sums and counts by `<metric>|<task_queue>|sum` / `...|count`. */
export type MetricSnapshot = Map<string, number>;

const SAMPLE = /^temporal_([a-z_]+?)_(sum|count)\{([^}]*)\}\s+([0-9.eE+-]+)$/;

/** Reads the endpoint; empty without one (the runtime was installed elsewhere). */
export async function scrapeMetrics(url: string | undefined): Promise<MetricSnapshot> {
  const out: MetricSnapshot = new Map();
  if (!url) return out;
  const text = await (await fetch(url)).text();
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line.trim());
    if (!m) continue;
    const queue = /task_queue="([^"]*)"/.exec(m[3]!)?.[1] ?? '';
    const key = `${m[1]}|${queue}|${m[2]}`;
    out.set(key, (out.get(key) ?? 0) + Number(m[4]));
  }
  return out;
}

/** What a phase cost the worker, per workflow, on its task queues. */
export interface WorkerCost {
  workflowTasks: number;
  /** Time the worker spent running workflow code (activations), ms. */
  workflowTaskMs: number;
  /** Time workflow tasks waited between scheduled and started, ms. */
  workflowTaskWaitMs: number;
  /** Activities and local activities run. */
  activities: number;
  /** Time activities and local activities ran (interceptors included: the connection gate), ms. */
  activityMs: number;
  /** Time activity tasks waited between scheduled and started, ms (eager and local ones do not). */
  activityWaitMs: number;
}

/** The cost between two snapshots on `queues`, divided by `workflows`. */
export function workerCost(before: MetricSnapshot, after: MetricSnapshot, queues: string[], workflows: number): WorkerCost {
  const d = (metric: string, part: 'sum' | 'count') =>
    queues.reduce((s, q) => s + (after.get(`${metric}|${q}|${part}`) ?? 0) - (before.get(`${metric}|${q}|${part}`) ?? 0), 0) / workflows;
  return {
    workflowTasks: d('workflow_task_execution_latency', 'count'),
    workflowTaskMs: d('workflow_task_execution_latency', 'sum'),
    workflowTaskWaitMs: d('workflow_task_schedule_to_start_latency', 'sum'),
    activities: d('activity_execution_latency', 'count') + d('local_activity_execution_latency', 'count'),
    activityMs: d('activity_execution_latency', 'sum') + d('local_activity_execution_latency', 'sum'),
    activityWaitMs: d('activity_schedule_to_start_latency', 'sum'),
  };
}
