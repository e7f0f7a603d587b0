// Reading a write's step table from a service or the CLI, through the query every write answers.
import type { WorkflowHandle } from '@temporalio/client';
import { type StepRecord } from './workflow/engine/steps.js';
import { stepsQuery } from './workflow/messages.js';

/** The step table of a running or finished write. */
export async function getSteps(handle: WorkflowHandle): Promise<StepRecord[]> {
  return handle.query(stepsQuery);
}
