// Workflow interceptors bundled after the SDK's OpenTelemetry ones (so inside their spans): when
// the workflow or one of its activities fails, they name the failure's type and Makini code on
// the span the SDK opened (RunWorkflow, StartActivity, StartLocalActivity). The scrubber in
// ./tracing.ts keeps those and drops the message and stack the SDK records, which can quote the
// connected system. No command, no extra await: each returns the very promise `next` returned, and
// the label is set by a reaction registered before the SDK's own, so it is on the span when the
// span ends; replays issue the same commands with or without this module.
import { trace } from '@opentelemetry/api';
import {
  ContinueAsNew,
  type ActivityInput,
  type LocalActivityInput,
  type Next,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { labelSpanFailure } from './failure-label.js';

/** Labels the active span (the SDK's, opened around this call) if `promise` rejects; returns `promise` itself. */
function labelOnFailure<T>(promise: Promise<T>): Promise<T> {
  const span = trace.getActiveSpan();
  if (span) {
    void promise.then(undefined, (err: unknown) => {
      // Continuing as new is how a long workflow goes on, not a failure (the SDK's span says OK).
      if (!(err instanceof ContinueAsNew)) labelSpanFailure(span, err);
    });
  }
  return promise;
}

class FailureLabelInbound implements WorkflowInboundCallsInterceptor {
  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    return labelOnFailure(next(input));
  }
}

class FailureLabelOutbound implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    return labelOnFailure(next(input));
  }

  scheduleLocalActivity(
    input: LocalActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
  ): Promise<unknown> {
    return labelOnFailure(next(input));
  }
}

/** Read by the SDK from every module of `workflowModules` / `workflowInterceptorModules`. */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new FailureLabelInbound()],
  outbound: [new FailureLabelOutbound()],
});
