// The production worker as the benchmarks run it: the tests' harness (test/support/production-worker.ts),
// with the runtime at ERROR so that per-step logs (INFO, and WARN for every wait) do not flood a run,
// and Makini's answers awaited 20 s as the worker process awaits them by default.
import {
  bundleProductionWorkflows,
  installQuietRuntime,
  startProductionWorker,
  type HarnessWorker,
  type HarnessWorkerOptions,
} from '../../test/support/production-worker.js';
import { releaseSink, type PacedRelease } from './paced-releases.js';

export { bundleProductionWorkflows };

/**
 * Runtime.install once per process, at ERROR; `metricsBindAddress`: the SDK's worker metrics on a
 * Prometheus endpoint there (what the throughput benchmark reads to say where the time goes).
 * Returns where the metrics are served, if they are.
 */
export const installBenchRuntime = (metricsBindAddress?: string) => installQuietRuntime({ level: 'ERROR', metricsBindAddress });

/** The bench runtime, keeping the gate's record of each paced write call it lets go in `into` (bench/lib/paced-releases.ts). */
export const installReleaseRecordingRuntime = (into: PacedRelease[]) => installQuietRuntime({ level: 'ERROR', sink: releaseSink(into) });

/** A production worker on its own connection; the caller runs it and shuts it down. */
export function createProductionWorker(
  opts: Omit<HarnessWorkerOptions, 'requestTimeoutMs'> & { requestTimeoutMs?: number },
): Promise<HarnessWorker> {
  installBenchRuntime();
  return startProductionWorker({ requestTimeoutMs: 20_000, ...opts });
}
