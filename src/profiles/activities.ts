// The activity that resolves the rules a write runs under: which system a connection is (from the
// connections config, else from Makini) and its effective write profile. Its result is recorded in
// history, so replays and operators see the rules that applied.
import { ApplicationFailure } from '@temporalio/activity';
import type { ConnectionConfig } from '../config/connections.js';
import { MakiniFailureType } from '../failures/workflow/failure-types.js';
import type { MakiniClient } from '../makini/client.js';
import { answer, asActivity } from '../makini/activity-result.js';
import type { WriteProfile } from './workflow/schema.js';
import { connectionRateOfCall } from '../connections/rate-of-call.js';
import type { ProfileActivities } from './activity-contract.js';

export interface ProfileDeps {
  makini: MakiniClient;
  /** The connection's config entry, or undefined when the id is unknown. */
  connection(connectionId: string): ConnectionConfig | undefined;
  /** The effective write profile of a system for a connection (built-ins + its overrides). */
  profileFor(system: string, connection: ConnectionConfig): WriteProfile;
}

/** The profile activity over its dependencies. */
export function profileActivities(deps: ProfileDeps): ProfileActivities {
  const { makini } = deps;
  return {
    /** Which system the connection is and the write profile that applies to it. */
    async resolveWriteProfile({ connectionId }) {
      return asActivity(async () => {
        const connection = deps.connection(connectionId);
        if (!connection) {
          throw ApplicationFailure.create({
            type: MakiniFailureType.connectionConfig,
            nonRetryable: true,
            message: `unknown connection "${connectionId}": it is not in the connections config`,
          });
        }
        const rate = connectionRateOfCall() ?? {};
        if (connection.system) {
          return {
            value: {
              connectionId,
              system: connection.system,
              profile: deps.profileFor(connection.system, connection),
              rate,
            },
            call: { requestIds: [], processingTimeMs: 0, status: 0 },
          };
        }
        const res = await makini.getIntegration(connectionId);
        const system = res.data.data.provider;
        return answer({ connectionId, system, profile: deps.profileFor(system, connection), rate }, res);
      });
    },
  };
}
