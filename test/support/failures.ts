// How the integration tests read a failed write: the workflow's ApplicationFailure, and its
// violations as `field:rule` (sorted), as callers match on them.
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { expect } from 'vitest';
import type { Violation } from '../../src/client/index.js';

/** The failure a write's result rejects with (asserts that it does). */
export async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return (err as WorkflowFailedError).cause as ApplicationFailure;
}

/** The violations of a `WriteRestrictionViolated` failure. */
export const violationsOf = (f: ApplicationFailure) => (f.details?.[0] as { violations: Violation[] }).violations;

/** Its violations as sorted `field:rule`. */
export const violatedRules = (f: ApplicationFailure) =>
  violationsOf(f)
    .map((v) => `${v.field}:${v.rule}`)
    .sort();
