// Every message of the writes area: what a write workflow answers while it runs. The client, the
// CLI, the workflows and the tests all use these definitions (the names are the public API, and
// recorded histories hold them).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { StepRecord } from './engine/steps.js';
import type { WriteVerdict } from './engine/verdict.js';
import type { BulkProgress } from '../bulk/workflow/contract.js';

/** The step table of a write, at any moment: every write workflow answers it (client: `getSteps`). */
export const stepsQuery = defineQuery<StepRecord[]>('steps');

/** Update answered once the write's rules were checked (or the write failed before that); client: update-with-start. */
export const verdictUpdate = defineUpdate<WriteVerdict>('verdict');

/** Progress of a bulk, across its runs (client: `getBulkProgress`). */
export const bulkProgressQuery = defineQuery<BulkProgress>('progress');
