// Every activity of the writes, built by `createActivities(deps)`: one Makini call each (two where a
// read-back belongs to the same question), no retry loops of their own. Workflows import only the type.
import type { MakiniClient } from '../makini/client.js';
import type { OAuthTokens } from '../config/oauth-tokens.js';
import { connectionProbeActivities } from '../connections/probe.js';
import { tokenRefreshActivities } from '../connections/token-refresh.js';
import { profileActivities, type ProfileDeps } from '../profiles/activities.js';
import { inventoryActivities } from '../writes/inventory/activities.js';
import { purchaseOrderActivities } from '../writes/purchase-orders/activities.js';
import { workOrderActivities } from '../writes/work-orders/activities.js';

export type { ResolvedProfile } from '../profiles/activities.js';
export type { PoSnapshot } from '../writes/purchase-orders/activities.js';
export type { WoMaterialSnapshot, WoSnapshot, WoStatusOption } from '../writes/work-orders/activities.js';
export type { GuardedWrite, InventorySnapshot } from '../writes/inventory/activities.js';

export interface ActivityDeps extends ProfileDeps {
  makini: MakiniClient;
  /** The OAuth tokens of `token: { oauth: true }` connections (absent: none configured). */
  oauth?: OAuthTokens;
}

/** Builds the activities over their dependencies (composition: src/composition/compose.ts). */
export function createActivities(deps: ActivityDeps) {
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

/** The activities' type, for `proxyActivities<MakiniActivities>()` in workflows. */
export type MakiniActivities = ReturnType<typeof createActivities>;
