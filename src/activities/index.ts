// Every activity of the writes, built by `createActivities(deps)`: one Makini call each (two where a
// read-back belongs to the same question), no retry loops of their own. Each takes one input object
// (its contract: the `activity-contract.ts` of its area's workflow folder, which is what workflow
// code imports, so that no workflow module imports this area). Tasks scheduled with the positional
// arguments of before run through ./positional.ts.
import type { MakiniClient } from '../makini/client.js';
import type { OAuthTokens } from '../config/oauth-tokens.js';
import { connectionProbeActivities } from '../connections/probe.js';
import { tokenRefreshActivities } from '../connections/token-refresh.js';
import { profileActivities, type ProfileDeps } from '../profiles/activities.js';
import { inventoryActivities } from '../writes/inventory/activities.js';
import { purchaseOrderActivities } from '../writes/purchase-orders/activities.js';
import { workOrderActivities } from '../writes/work-orders/activities.js';

import type { ConnectionActivities } from '../connections/activity-contract.js';
import type { StepActivities } from '../writes/workflow/engine/makini-calls.js';

export interface ActivityDeps extends ProfileDeps {
  makini: MakiniClient;
  /** The OAuth tokens of `token: { oauth: true }` connections (absent: none configured). */
  oauth?: OAuthTokens;
}

/** Builds the activities over their dependencies (composition: src/composition/compose.ts). */
export function createActivities(deps: ActivityDeps): MakiniActivities {
  return {
    ...profileActivities(deps),
    ...purchaseOrderActivities(deps.makini),
    ...workOrderActivities(deps.makini),
    ...inventoryActivities(deps.makini),
    ...connectionProbeActivities(deps.makini),
    ...tokenRefreshActivities({
      oauth: deps.oauth,
      isOAuth: (id) => {
        const token = deps.connection(id)?.token;
        return token !== undefined && 'oauth' in token;
      },
    }),
  };
}

/** Every Makini activity: the step runner's (writes) and the connection control's. */
export type MakiniActivities = StepActivities & ConnectionActivities;
