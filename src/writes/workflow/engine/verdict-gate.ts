// Answers the `verdict` update of a write: a caller using update-with-start learns synchronously
// whether the write passed its restriction check; the write itself continues durably.
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { violationSchema, WriteFailureType, type Violation } from '../../../failures/workflow/failure-types.js';
import { type WriteVerdict } from './verdict.js';
import { verdictUpdate } from '../messages.js';

const MAX_MESSAGE = 2_000;

/** Reads the rules a refusal names (restriction violations, or input problems as violations). */
function violationsOf(err: ApplicationFailure): Violation[] {
  const detail = (err.details?.[0] ?? {}) as { violations?: unknown; problems?: { field: string; message: string }[] };
  const parsed = violationSchema.array().safeParse(detail.violations);
  if (parsed.success) return parsed.data;
  return (detail.problems ?? []).map((p) => ({ field: p.field, rule: 'invalid-input', system: 'makini-writes', message: p.message }));
}

/** The verdict of one write run; registers the update handler when created. */
export class VerdictGate {
  private verdict: WriteVerdict | undefined;

  constructor() {
    setHandler(verdictUpdate, async () => {
      await condition(() => this.verdict !== undefined);
      return this.verdict!;
    });
  }

  /** Every rule passed. */
  accept(system: string): void {
    this.verdict ??= { verdict: 'accepted', system };
  }

  /** Runs the write body; a failure before `accept` becomes the verdict, then is rethrown. */
  async around<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      if (this.verdict === undefined && err instanceof ApplicationFailure) {
        const message = err.message.slice(0, MAX_MESSAGE);
        const failureType = err.type ?? 'unknown';
        const refused = err.type === WriteFailureType.restrictionViolated || err.type === WriteFailureType.invalidInput;
        const system = (err.details?.[0] as { system?: unknown } | undefined)?.system;
        this.verdict = refused
          ? { verdict: 'rejected', failureType, message, violations: violationsOf(err), ...(typeof system === 'string' ? { system } : {}) }
          : { verdict: 'failed', failureType, message };
      }
      throw err;
    }
  }
}
