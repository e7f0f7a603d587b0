// The probe of an open circuit breaker: one cheap read that tells whether the connection answers.
import type { MakiniClient } from '../makini/client.js';
import { MakiniError } from '../makini/errors.js';
import { MakiniFailureType } from '../failures/workflow/failure-types.js';
import type { ConnectionActivities } from './activity-contract.js';

export function connectionProbeActivities(makini: MakiniClient): Pick<ConnectionActivities, 'probeConnection'> {
  return {
    /** GET /api/integrations/current on the connection; never throws for a Makini answer. */
    async probeConnection({ connectionId }) {
      try {
        const res = await makini.getIntegration(connectionId);
        return { outcome: 'up', message: `answered ${res.meta.status}${res.meta.requestId ? ` (${res.meta.requestId})` : ''}` };
      } catch (err) {
        if (!(err instanceof MakiniError)) throw err;
        const t = err.info.type;
        const outcome =
          t === MakiniFailureType.authentication
            ? 'auth'
            : t === MakiniFailureType.serverError || t === MakiniFailureType.network || t === MakiniFailureType.connectionConfig
              ? 'down'
              : 'up';
        return { outcome, message: err.info.message };
      }
    },
  };
}
