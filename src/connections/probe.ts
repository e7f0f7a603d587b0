// The probe of an open circuit breaker: one cheap read that tells whether the connection answers.
import type { MakiniClient } from '../makini/client.js';
import { MakiniError } from '../makini/errors.js';
import { MakiniFailureType } from '../failures/workflow/failure-types.js';

/** `up`: the system answered (even with a refusal); `down`: 5xx or no answer; `auth`: 401. */
export interface ProbeResult {
  outcome: 'up' | 'down' | 'auth';
  message: string;
}

export function connectionProbeActivities(makini: MakiniClient) {
  return {
    /** GET /api/integrations/current on the connection; never throws for a Makini answer. */
    async probeConnection(connectionId: string): Promise<ProbeResult> {
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
