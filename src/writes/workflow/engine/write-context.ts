// What every write workflow does around its Makini steps: parse the input, label the execution
// for ops (search attributes, details), resolve the connection's rules, fail with a typed reason.
import { ApplicationFailure, patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { z } from 'zod';
import type { ResolvedProfile } from '../../../profiles/activity-contract.js';
import { WriteFailureType, type Violation } from '../../../failures/workflow/failure-types.js';
import {
  SA_CONNECTION_ID,
  SA_ENTITY,
  SA_ERROR_CODE,
  SA_OPERATION,
  SA_OUTCOME,
  SA_SYSTEM,
} from '../../../observability/workflow/search-attributes.js';
import { DEFAULT_RETRY_BUDGET, type RetryBudget } from './steps.js';
import { inputProblems } from './input.js';
import { WRITE_TYPES, writeWorkflowId, type WriteType } from '../catalog.js';
import { StepRunner } from './step-runner.js';
import { useRequestTimeout } from './makini-calls.js';
import { DEFAULT_WRITE_TIMING } from './horizon.js';

/** Validates a workflow input; every problem at once, non-retryably. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = inputProblems(parsed.error);
  setOutcome('failed', WriteFailureType.invalidInput);
  throw ApplicationFailure.create({
    type: WriteFailureType.invalidInput,
    nonRetryable: true,
    message: `invalid ${what} input: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
    details: [{ problems }],
  });
}

export type Outcome = 'running' | 'waiting' | 'succeeded' | 'failed' | 'rejected' | 'compensated';

/** Updates the outcome search attributes ops filter on. */
export function setOutcome(outcome: Outcome, errorCode?: string): void {
  upsertSearchAttributes([{ key: SA_OUTCOME, value: outcome }, ...(errorCode ? [{ key: SA_ERROR_CODE, value: errorCode }] : [])]);
}

/** Patch id of comparing values as systems type them (`7.5` equals `"7.500"`; see field-values.ts). */
export const LOOSE_VALUES_PATCH = 'values-compared-as-systems-type-them';

/**
 * The rule every workflow passes to field comparisons (field-values.ts): consulted only where a
 * loosely typed value changes the verdict, so histories from before it replay as they ran.
 */
export const looseValues = (): boolean => patched(LOOSE_VALUES_PATCH);

/** Patch id of the refusal of a write started under a workflow id other than its derived one. */
export const DERIVED_WORKFLOW_ID_PATCH = 'require-derived-workflow-id';

/**
 * Refuses a write started under any workflow id but the one derived from its type, connection and
 * idempotency key, before any Makini call. Only that id makes Temporal's one-execution-per-id the
 * guard of the key: under ids of its own, five starts of one key would be five writes.
 * (Histories from before the check replay without it: `patched` only where the ids differ.)
 */
function requireDerivedWorkflowId(type: WriteType, input: WriteKeys): void {
  const expected = writeWorkflowId(type, input.connectionId, input.idempotencyKey);
  const { workflowId } = workflowInfo();
  if (workflowId === expected || !patched(DERIVED_WORKFLOW_ID_PATCH)) return;
  throw ApplicationFailure.create({
    type: WriteFailureType.workflowIdNotDerived,
    nonRetryable: true,
    message:
      `${type} was started as workflow "${workflowId}"; its workflow id must be "${expected}" ` +
      '(derived from the connection and idempotency key, so that one key is one write): nothing was sent; ' +
      'start it with the start helper or writeWorkflowId()',
    details: [{ expectedWorkflowId: expected, workflowId }],
  });
}

/** What identifies one write: its connection and the caller's idempotency key. */
interface WriteKeys {
  connectionId: string;
  idempotencyKey: string;
  /** The caller's retry budget: a settle delay given there wins over the profile's. */
  retryBudget?: { ambiguousSettleMs?: number };
}

/** Checks the workflow id, labels the execution and resolves the rules of the connection (recorded in history). */
export async function beginWrite(runner: StepRunner, type: WriteType, input: WriteKeys): Promise<ResolvedProfile> {
  const { connectionId } = input;
  requireDerivedWorkflowId(type, input);
  const { entity, operation } = WRITE_TYPES[type];
  upsertSearchAttributes([
    { key: SA_CONNECTION_ID, value: connectionId },
    { key: SA_ENTITY, value: entity },
    { key: SA_OPERATION, value: operation },
    { key: SA_OUTCOME, value: 'running' },
  ]);
  Object.assign(runner.logContext, { connectionId, entity, operation });
  const resolved = await runner.run(
    'resolve write profile',
    'resolveWriteProfile',
    { connectionId },
    {
      summary: `which system ${connectionId} is, and its write rules`,
    },
  );
  upsertSearchAttributes([{ key: SA_SYSTEM, value: resolved.system }]);
  runner.connection.use(connectionId, resolved.profile.writesPerMinute, resolved.rate);
  // A profile recorded before profiles had timing (an old history) has the defaults.
  const timing = { ...DEFAULT_WRITE_TIMING, ...resolved.profile.timing };
  useRequestTimeout(timing.requestTimeoutMs);
  runner.useTiming(resolved.system, timing, input.retryBudget?.ambiguousSettleMs);
  runner.logContext.system = resolved.system;
  return resolved;
}

/** Fails the write before any Makini write, naming every violated rule. */
export function refuse(runner: StepRunner, system: string, what: string, violations: Violation[]): never {
  runner.note('check write restrictions', 'failed', `${violations.length} violation(s)`);
  setOutcome('rejected', WriteFailureType.restrictionViolated);
  throw ApplicationFailure.create({
    type: WriteFailureType.restrictionViolated,
    nonRetryable: true,
    message: `${system} refuses ${what}: ${violations.map((v) => `${v.field} [${v.rule}] ${v.message}`).join('; ')}`,
    details: [{ system, violations }],
  });
}

/** The retry budget of a write: defaults with the caller's overrides. */
export function budgetOf(override?: Partial<RetryBudget>): RetryBudget {
  return { ...DEFAULT_RETRY_BUDGET, ...override };
}

/** Runs a write body; on failure records the outcome for ops, then rethrows. */
export async function recordingOutcome<T>(body: () => Promise<T>): Promise<T> {
  try {
    const result = await body();
    setOutcome('succeeded');
    return result;
  } catch (err) {
    if (
      err instanceof ApplicationFailure &&
      err.type !== WriteFailureType.restrictionViolated &&
      err.type !== WriteFailureType.invalidInput
    ) {
      setOutcome(err.type === WriteFailureType.compensated ? 'compensated' : 'failed', err.type ?? undefined);
    }
    throw err;
  }
}
