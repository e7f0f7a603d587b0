// The connection activities as the control workflow and the waits call them: one input object each
// (`connectionId` by name). The implementations (./probe.ts, ./token-refresh.ts) are checked
// against this; workflow code imports only its types.
import { z } from 'zod';
import { connectionIdSchema } from '../makini/activity-input.js';
import type { TokenRefreshAnswer } from './workflow/control-state.js';

/** `up`: the system answered (even with a refusal); `down`: 5xx or no answer; `auth`: 401. */
export interface ProbeResult {
  outcome: 'up' | 'down' | 'auth';
  message: string;
}

export const refreshTokenInputSchema = z.strictObject({
  connectionId: connectionIdSchema,
  /** `due`: refresh if the refresh time has come (the schedule); `stale`: if the stored tokens are older than `staleSince` (a 401). */
  when: z.enum(['due', 'stale']),
  staleSince: z.number().optional(),
});
export type RefreshTokenInput = z.infer<typeof refreshTokenInputSchema>;

/**
 * The input of each connection activity. `probeConnection` took the connection id as its one
 * positional argument before (src/activities/positional.ts maps those tasks onto this);
 * `refreshConnectionToken` has always taken an object.
 */
export const connectionActivityInputs = {
  probeConnection: z.object({ connectionId: connectionIdSchema }),
  refreshConnectionToken: refreshTokenInputSchema,
};

export interface ConnectionActivities {
  /** GET /api/integrations/current on the connection; never throws for a Makini answer. */
  probeConnection(input: z.input<typeof connectionActivityInputs.probeConnection>): Promise<ProbeResult>;
  /** Refreshes the connection's OAuth tokens when due (or stale); one refresh at a time per connection in this process. */
  refreshConnectionToken(input: RefreshTokenInput): Promise<TokenRefreshAnswer>;
}
