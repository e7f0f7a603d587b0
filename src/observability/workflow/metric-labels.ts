// The metric names of the activity-side call metrics (src/makini/call-metrics.ts) and the
// workflow-side step metrics (src/writes/workflow/engine/step-observer.ts), documented in
// docs/operations.md (workflow code: pure, no Node built-ins).
/** The step metrics' names, recorded by writes' step observer (documented in docs/operations.md). */
export const StepMetric = {
  /** Counter: retries of a step, by step, cause (failure type), code and wait kind. */
  retries: 'makini_write_retries',
  /** Histogram (ms): durable waits before a retry, by cause and wait kind. */
  waitDuration: 'makini_write_wait_duration',
  /** Histogram (ms): step durations (waits included), by step and outcome. */
  stepDuration: 'makini_write_step_duration',
  /** Counter: lookups after an ambiguous write, by step and whether the write had landed. */
  landedChecks: 'makini_write_landed_checks',
} as const;

/** The Makini call metrics' names, recorded by src/makini/call-metrics.ts. */
export const MakiniMetric = {
  /** Counter: Makini activities by system, operation, status, error_code. */
  calls: 'makini_calls',
  /** Histogram (ms): duration of Makini activities by system, operation, status. */
  callDuration: 'makini_call_duration',
} as const;
