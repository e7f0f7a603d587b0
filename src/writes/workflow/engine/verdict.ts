// The immediate verdict of a write: answered by the workflow (update `verdict`) as soon as its
// restriction check has passed or failed, while the write itself carries on durably.
import { z } from 'zod';
import { violationSchema } from '../../../failures/workflow/failure-types.js';

export const writeVerdictSchema = z.discriminatedUnion('verdict', [
  /** Every rule passed; the write continues (await the handle for its result). */
  z.object({ verdict: z.literal('accepted'), system: z.string() }),
  /** The system forbids the write, or the input is invalid: nothing was written. */
  z.object({
    verdict: z.literal('rejected'),
    failureType: z.string(),
    message: z.string(),
    system: z.string().optional(),
    violations: z.array(violationSchema),
  }),
  /** The write failed before its rules could be checked (unknown connection, Makini down too long). */
  z.object({ verdict: z.literal('failed'), failureType: z.string(), message: z.string() }),
]);
export type WriteVerdict = z.infer<typeof writeVerdictSchema>;
