// The profile activity as workflows call it: one input object (`connectionId` by name). The
// implementation (./activities.ts) is checked against this; workflow code imports only its types.
import { z } from 'zod';
import type { ActivityResult } from '../makini/activity-result.js';
import { connectionIdSchema } from '../makini/activity-input.js';
import type { WriteProfile } from './workflow/schema.js';
import type { ConnectionRateNow } from '../connections/rate-of-call.js';

/** The rules a write runs under, recorded in history so replays and operators see the same. */
export interface ResolvedProfile {
  connectionId: string;
  system: string;
  profile: WriteProfile;
  /**
   * The connection's rate as the worker knew it then: a cut rate and a running pause after a 429,
   * empty when neither (connections/rate-of-call.ts). Absent in lookups recorded before it: the
   * write then replays without moving its write calls (connections/workflow/pacing.ts).
   */
  rate?: ConnectionRateNow;
}

/** The input of the profile activity (before one input object, its one positional argument was the connection id). */
export const profileActivityInputs = {
  resolveWriteProfile: z.object({ connectionId: connectionIdSchema }),
};

export interface ProfileActivities {
  /** Which system the connection is and the write profile that applies to it. */
  resolveWriteProfile(input: z.input<typeof profileActivityInputs.resolveWriteProfile>): Promise<ActivityResult<ResolvedProfile>>;
}
