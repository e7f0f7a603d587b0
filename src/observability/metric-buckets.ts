// Histogram buckets (ms) of this project's metrics: waits follow Retry-After and backoff (seconds
// to minutes), so the SDK's default buckets (up to 10 s) would put them all in +Inf.
import { MakiniMetric, StepMetric } from './workflow/metric-labels.js';

const CALL_MS = [25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000];
const WAIT_MS = [100, 500, 1_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000, 900_000];

/** For `telemetryOptions.metrics.prometheus.histogramBucketOverrides`. */
export const HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [MakiniMetric.callDuration]: CALL_MS,
  [StepMetric.waitDuration]: WAIT_MS,
  [StepMetric.stepDuration]: WAIT_MS,
};
