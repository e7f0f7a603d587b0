// What backend services import: the public API of makini-writes, re-exported from where each part
// lives. Start helpers validate inputs with the workflows' own zod schemas before anything is sent.
export { DEFAULT_TASK_QUEUE, InvalidWriteInputError, startWrite, type StartOptions, type WriteWorkflow } from '../writes/start-write.js';
export {
  WRITE_TYPES,
  WRITE_TYPE_NAMES,
  writeWorkflowId,
  type WriteEntity,
  type WriteInput,
  type WriteType,
} from '../writes/workflow/catalog.js';
export { getSteps } from '../writes/get-steps.js';
export * from '../writes/purchase-orders/workflow/contract.js';
export * from '../writes/purchase-orders/start.js';
export * from '../writes/purchase-orders/start-with-verdict.js';
export * from '../writes/work-orders/workflow/contract.js';
export * from '../writes/work-orders/start.js';
export * from '../writes/inventory/workflow/contract.js';
export * from '../writes/inventory/start.js';
export * from '../writes/bulk/workflow/contract.js';
export * from '../writes/bulk/start.js';
export type { StepRecord, RetryBudget } from '../writes/workflow/engine/steps.js';
export { stepsQuery, verdictUpdate, bulkProgressQuery } from '../writes/workflow/messages.js';
export type { InputProblem } from '../writes/workflow/engine/input.js';
export * from '../connections/control-client.js';
export { connectionControlWorkflowId } from '../connections/workflow/messages.js';
export { capabilitiesOf, CapabilitiesError, type CapabilitiesRequest } from '../profiles/connection-capabilities.js';
export { MakiniFailureType, WriteFailureType } from '../failures/workflow/failure-types.js';
export type { Violation, MakiniFailureInfo } from '../failures/workflow/failure-types.js';
export { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
